import * as assert from 'node:assert/strict';
import { validateApiKey, validateApiUrl, validateSharedSecret } from '../../src/core/credentialsValidation';
import { validateIntegrationName } from '../../src/core/integrationName';

describe('credentials validation', () => {
  it('normalises good API URLs', () => {
    assert.deepEqual(validateApiUrl(' https://stationapi.veriff.com/ '), { ok: true, value: 'https://stationapi.veriff.com' });
    assert.deepEqual(validateApiUrl('https://api.example.com/prefix/v1/'), { ok: true, value: 'https://api.example.com/prefix' });
    assert.deepEqual(validateApiUrl('http://127.0.0.1:4010'), { ok: true, value: 'http://127.0.0.1:4010' });
    assert.deepEqual(validateApiUrl('http://localhost:4010/'), { ok: true, value: 'http://localhost:4010' });
    assert.deepEqual(validateApiUrl('http://[::1]:4010'), { ok: true, value: 'http://[::1]:4010' });
  });

  it('refuses plain http to other hosts, other schemes, credentials, queries and garbage', () => {
    for (const bad of ['http://stationapi.veriff.com', 'http://10.0.0.8', 'http://127.0.0.1.evil.com', 'ftp://x.com', 'https://u:p@x.com', 'https://x.com/?a=1', 'https://x.com/#f', 'not a url', '']) {
      const r = validateApiUrl(bad);
      assert.equal(r.ok, false, bad);
    }
    const r = validateApiUrl('http://veriff.example.com');
    assert.ok(!r.ok && /https:\/\//.test(r.message));
  });

  it('accepts only UUID API keys, non-empty secrets without spaces, and sensible names', () => {
    assert.equal(validateApiKey('0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c'), undefined);
    assert.equal(validateApiKey(' 0B5E8C1A-3F2D-4E6A-9B7C-1D2E3F4A5B6C '), undefined);
    assert.match(validateApiKey('0b5e8c1a-3f2d-4e6a-9b7c') ?? '', /UUID/);
    assert.match(validateSharedSecret('') ?? '', /required/);
    assert.match(validateSharedSecret('a b') ?? '', /spaces/);
    assert.equal(validateSharedSecret('abcdef12-abcd-abcd-abcd-abcdef012345'), undefined);
    assert.match(validateIntegrationName('  ') ?? '', /name/);
    assert.match(validateIntegrationName('x'.repeat(61)) ?? '', /60/);
    assert.equal(validateIntegrationName('Live'), undefined);
  });
});
