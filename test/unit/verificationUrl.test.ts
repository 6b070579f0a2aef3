import * as assert from 'node:assert/strict';
import { isOpenableVerificationUrl } from '../../src/core/verificationUrl';

describe('verification URL of a created session', () => {
  it('opens https and loopback http (the sandbox) only', () => {
    for (const ok of ['https://alchemy.veriff.com/v/abc', 'http://127.0.0.1:4567/v/abc', 'http://localhost:4567/v/x', 'http://[::1]:80/v']) {
      assert.equal(isOpenableVerificationUrl(ok), true, ok);
    }
    for (const bad of ['http://veriff.example/v', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@veriff.com/v', 'not a url', 'http://veriff-mock.localhost/v']) {
      assert.equal(isOpenableVerificationUrl(bad), false, bad);
    }
  });
});
