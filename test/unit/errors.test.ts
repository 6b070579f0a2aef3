import * as assert from 'node:assert/strict';
import { KNOWN_VERIFF_CODES, explainVeriffError, normaliseCode } from '../../src/core/errors';

/** Every code shared/veriff-api.md lists, with the HTTP status it comes with. */
const DOCUMENTED: ReadonlyArray<[code: string, http: number]> = [
  ['1001', 400], ['1002', 400], ['1003', 400], ['1004', 429],
  ['1101', 401], ['1101', 404], ['1101', 500],
  ['1102', 400], ['1104', 400], ['1201', 400], ['1202', 400], ['1203', 400],
  ['1301', 400], ['1302', 400], ['1303', 400], ['1304', 400], ['1305', 400], ['1306', 400],
  ['1500', 400], ['1501', 400],
  ['1801', 401], ['1802', 401], ['1803', 401], ['1804', 401],
  ['1812', 401], ['1813', 401], ['1814', 401], ['1815', 401], ['1818', 401], ['1819', 401],
];

describe('errors', () => {
  describe('the table', () => {
    for (const [code, http] of DOCUMENTED) {
      it(`explains ${code} (HTTP ${http}) with a meaning and a fix of its own`, () => {
        const e = explainVeriffError(http, code);
        assert.ok(e.meaning.length > 10, 'meaning');
        assert.ok(e.fix.length > 10, 'fix');
        assert.equal(typeof e.retryable, 'boolean');
        if (code !== '1101') {
          // Under a status with a bland generic answer, the code must still pick its own entry.
          assert.notEqual(explainVeriffError(400, code).meaning, explainVeriffError(400, undefined).meaning);
        }
      });
    }

    it('knows exactly the documented codes', () => {
      assert.deepEqual([...KNOWN_VERIFF_CODES].sort(), [...new Set(DOCUMENTED.map(([c]) => c))].sort());
    });

    it('says a later retry helps for 1305, 1306, 1004 and server failures', () => {
      assert.equal(explainVeriffError(400, '1305').retryable, true);
      assert.equal(explainVeriffError(400, '1306').retryable, true);
      assert.equal(explainVeriffError(429, '1004').retryable, true);
      assert.equal(explainVeriffError(429, undefined).retryable, true);
      assert.equal(explainVeriffError(500, '1101').retryable, true);
      assert.equal(explainVeriffError(503, undefined).retryable, true);
    });

    it('says a retry does not help for credential, not-found and input errors', () => {
      for (const [code, http] of [['1812', 401], ['1818', 401], ['1819', 401], ['1101', 401], ['1101', 404], ['1803', 401], ['1002', 400], ['1500', 400]] as const) {
        assert.equal(explainVeriffError(http, code).retryable, false, code);
      }
    });

    it('tells the 1305 user to wait for the decision', () => {
      const e = explainVeriffError(400, '1305');
      assert.match(e.meaning, /not in a completed status/i);
      assert.match(e.fix, /decision/i);
    });

    it('blames the shared secret for 1812', () => {
      assert.match(explainVeriffError(401, '1812').fix, /shared secret/i);
    });
  });

  describe('1101 depends on the HTTP status', () => {
    it('401: the API key header is missing', () => {
      assert.match(explainVeriffError(401, '1101').meaning, /X-AUTH-CLIENT/);
    });

    it('404: the session is gone, stop tracking it', () => {
      const e = explainVeriffError(404, 1101);
      assert.match(e.meaning, /not found/i);
      assert.match(e.fix, /stop tracking/i);
    });

    it('500 and other 5xx: Veriff-side failure, retry later', () => {
      assert.match(explainVeriffError(500, '1101').meaning, /Veriff/);
      assert.equal(explainVeriffError(502, '1101').retryable, true);
    });
  });

  describe('codes as numbers or strings', () => {
    it('gives the same answer for 1305 and "1305"', () => {
      assert.deepEqual(explainVeriffError(400, 1305), explainVeriffError(400, '1305'));
      assert.deepEqual(explainVeriffError(400, ' 1306 '), explainVeriffError(400, '1306'));
    });

    it('normalises codes to strings', () => {
      assert.equal(normaliseCode(1812), '1812');
      assert.equal(normaliseCode(' 1812 '), '1812');
      assert.equal(normaliseCode(''), undefined);
      assert.equal(normaliseCode(null), undefined);
      assert.equal(normaliseCode({}), undefined);
    });
  });

  describe('unknown codes fall back on the HTTP status', () => {
    it('401 without a known code points at the credentials', () => {
      const e = explainVeriffError(401, '9999');
      assert.match(e.fix, /credentials/i);
      assert.match(e.meaning, /9999/);
      assert.equal(e.retryable, false);
    });

    it('403 says deletion may not be enabled for the integration', () => {
      assert.match(explainVeriffError(403, undefined).fix, /Veriff support/);
    });

    it('404 without a code is "not found"', () => {
      assert.match(explainVeriffError(404, undefined).meaning, /not found/i);
    });

    it('400 without a code quotes Veriff\'s message', () => {
      assert.match(explainVeriffError(400, undefined, 'Odd thing').meaning, /Odd thing/);
    });

    it('5xx is retryable, other odd statuses are not', () => {
      assert.equal(explainVeriffError(504, '7777').retryable, true);
      assert.equal(explainVeriffError(418, undefined).retryable, false);
      assert.match(explainVeriffError(418, undefined).meaning, /418/);
    });
  });
});
