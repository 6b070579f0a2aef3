import * as assert from 'node:assert/strict';
import { maskApiKey, redact, redactCredentials } from '../../src/core/mask';

const KEY = 'ca4a1e00-0000-4000-8000-00000000c0de';

describe('mask', () => {
  describe('maskApiKey', () => {
    it('keeps only the first four characters of a key', () => {
      assert.equal(maskApiKey(KEY), 'ca4a…');
    });

    it('shows nothing of a key too short to be a Veriff key', () => {
      assert.equal(maskApiKey('abcdef'), '…');
    });

    it('says when there is no key', () => {
      assert.equal(maskApiKey(''), '(no key)');
      assert.equal(maskApiKey(undefined), '(no key)');
    });
  });

  describe('redact', () => {
    it('replaces every occurrence of every secret', () => {
      const text = `key ${KEY} secret s3cr3t-value again ${KEY}`;
      assert.equal(redact(text, [KEY, 's3cr3t-value']), 'key *** secret *** again ***');
    });

    it('matches case-insensitively (hex signatures travel in either case)', () => {
      const signature = '895cb3fd31139d89aeb7b263682e15479ab57651e70591256ad2c14fde4950dd';
      assert.equal(redact(`sig ${signature.toUpperCase()}`, [signature]), 'sig ***');
    });

    it('replaces a longer secret whole even when it contains a shorter one', () => {
      assert.equal(redact('abcdefgh-ijkl', ['abcdefgh', 'abcdefgh-ijkl']), '***');
    });

    it('treats secrets as text, not patterns', () => {
      assert.equal(redact('a.b*c+d(e) and axbxcxd', ['a.b*c+d(e)']), '*** and axbxcxd');
    });

    it('ignores empty, missing and very short secrets', () => {
      assert.equal(redact('a b c', ['', undefined, null, 'a']), 'a b c');
    });

    it('leaves text without secrets unchanged', () => {
      assert.equal(redact('nothing here', [KEY]), 'nothing here');
    });
  });

  describe('redactCredentials', () => {
    it('masks credentials inside log lines and messages, not ordinary words', () => {
      assert.equal(
        redactCredentials('connect failed: postgres://app:Sup3rS3cret@db:5432/app (proxy http://u:p4ss@proxy:3128)'),
        'connect failed: postgres://***@db:5432/app (proxy http://***@proxy:3128)',
      );
      assert.equal(redactCredentials('sent Authorization: Bearer abc.def.ghi and X-Api-Key: k3y-123'), 'sent Authorization: Bearer *** and X-Api-Key: ***');
      assert.equal(redactCredentials('token Bearer eyJ0eXAi.x.y in a message'), 'token Bearer *** in a message');
      const plain = 'Basic checks passed; the signature is valid, key 1a2b…, Bearer of good news';
      assert.equal(redactCredentials(plain), plain);
      assert.equal(redactCredentials('https://stationapi.veriff.com/v1/sessions'), 'https://stationapi.veriff.com/v1/sessions');
    });
  });
});
