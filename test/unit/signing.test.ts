import * as assert from 'node:assert/strict';
import { sign, signedPayload, verifySignature } from '../../src/core/signing';

const SECRET = 'abcdef12-abcd-abcd-abcd-abcdef012345';
const ID = 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7';
const ID_SIGNATURE = '895cb3fd31139d89aeb7b263682e15479ab57651e70591256ad2c14fde4950dd';
const BODY =
  '{"verification":{"callback":"https://veriff.com","person":{"firstName":"John","lastName":"Smith"},"document":{"type":"PASSPORT","country":"EE"},"vendorData":"unique id of the end-user","timestamp":"2016-05-19T08:30:25.597Z"}}';
const BODY_SIGNATURE = '0dcab73ddd20062616d104231c7439657546a5c24e4691977da93bb854c31e25';

describe('signing', () => {
  describe('sign', () => {
    it('signs a session id as in the documented test vector', () => {
      assert.equal(sign(ID, SECRET), ID_SIGNATURE);
    });

    it('signs a request body as in the documented test vector', () => {
      assert.equal(sign(BODY, SECRET), BODY_SIGNATURE);
    });

    it('gives the same signature for the bytes as for the string', () => {
      assert.equal(sign(Buffer.from(BODY, 'utf8'), SECRET), BODY_SIGNATURE);
    });

    it('is lowercase hex of 64 characters', () => {
      assert.match(sign('anything', SECRET), /^[0-9a-f]{64}$/);
    });
  });

  describe('verifySignature', () => {
    it('accepts the right signature', () => {
      assert.equal(verifySignature(ID, ID_SIGNATURE, SECRET), true);
      assert.equal(verifySignature(Buffer.from(BODY), BODY_SIGNATURE, SECRET), true);
    });

    it('accepts it in upper case and with surrounding spaces', () => {
      assert.equal(verifySignature(ID, ID_SIGNATURE.toUpperCase(), SECRET), true);
      assert.equal(verifySignature(ID, ` ${ID_SIGNATURE}\n`, SECRET), true);
    });

    it('rejects a signature of another payload', () => {
      assert.equal(verifySignature(ID, BODY_SIGNATURE, SECRET), false);
    });

    it('rejects a signature made with another secret', () => {
      assert.equal(verifySignature(ID, sign(ID, 'another-secret'), SECRET), false);
    });

    it('rejects a signature one hex digit off', () => {
      const last = ID_SIGNATURE.endsWith('0') ? '1' : '0';
      assert.equal(verifySignature(ID, ID_SIGNATURE.slice(0, -1) + last, SECRET), false);
    });

    it('rejects a short signature', () => {
      assert.equal(verifySignature(ID, ID_SIGNATURE.slice(0, 62), SECRET), false);
      assert.equal(verifySignature(ID, ID_SIGNATURE + 'ab', SECRET), false);
    });

    it('rejects non-hex text of the right length', () => {
      assert.equal(verifySignature(ID, 'z'.repeat(64), SECRET), false);
    });

    it('rejects a missing or empty signature', () => {
      assert.equal(verifySignature(ID, undefined, SECRET), false);
      assert.equal(verifySignature(ID, null, SECRET), false);
      assert.equal(verifySignature(ID, '', SECRET), false);
    });
  });

  describe('signedPayload', () => {
    it('is the session id for GET and DELETE, in any case of method', () => {
      assert.equal(signedPayload('GET', ID, undefined), ID);
      assert.equal(signedPayload('delete', ID, '{"x":1}'), ID);
    });

    it('is the exact body for POST and PATCH', () => {
      assert.equal(signedPayload('POST', undefined, BODY), BODY);
      assert.equal(signedPayload('patch', ID, BODY), BODY);
    });
  });
});
