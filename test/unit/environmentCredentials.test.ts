import * as assert from 'node:assert/strict';
import { readEnvironmentCredentials } from '../../src/core/environmentCredentials';

const KEY = '0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c';

describe('readEnvironmentCredentials', () => {
  it('takes VERIFF_API_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET, normalised like typed credentials', () => {
    assert.deepEqual(
      readEnvironmentCredentials({ VERIFF_API_URL: 'https://eu.example.veriff.me/v1/', VERIFF_API_KEY: ` ${KEY.toUpperCase()} `, VERIFF_SHARED_SECRET: 's3cret ' }),
      { kind: 'ok', apiUrl: 'https://eu.example.veriff.me', apiKey: KEY, sharedSecret: 's3cret' },
    );
  });

  it('uses Veriff\'s API URL when VERIFF_API_URL is not set', () => {
    const read = readEnvironmentCredentials({ VERIFF_API_KEY: KEY, VERIFF_SHARED_SECRET: 'x' });
    assert.equal(read.kind === 'ok' && read.apiUrl, 'https://stationapi.veriff.com');
  });

  it('offers nothing without key and secret', () => {
    assert.deepEqual(readEnvironmentCredentials({}), { kind: 'absent' });
    assert.deepEqual(readEnvironmentCredentials({ VERIFF_API_URL: 'https://stationapi.veriff.com', VERIFF_API_KEY: '  ' }), { kind: 'absent' });
  });

  it('refuses unusable values, naming the variable and never echoing a key or secret', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ VERIFF_API_KEY: 'secret-looking-value', VERIFF_SHARED_SECRET: 'sec-3' }, /^VERIFF_API_KEY is not a UUID$/],
      [{ VERIFF_SHARED_SECRET: 'only-the-secret' }, /^VERIFF_API_KEY is not set$/],
      [{ VERIFF_API_KEY: KEY, VERIFF_SHARED_SECRET: 'has spaces in it' }, /^VERIFF_SHARED_SECRET: .*spaces/],
      [{ VERIFF_API_KEY: KEY }, /^VERIFF_SHARED_SECRET: .*required/],
      [{ VERIFF_API_URL: 'http://10.0.0.8', VERIFF_API_KEY: KEY, VERIFF_SHARED_SECRET: 'sec-1' }, /^VERIFF_API_URL: .*https/],
      [{ VERIFF_API_URL: 'https://user:pw-secret@example.com', VERIFF_API_KEY: KEY, VERIFF_SHARED_SECRET: 'sec-2' }, /^VERIFF_API_URL: .*user name or password/],
    ];
    for (const [env, expected] of cases) {
      const read = readEnvironmentCredentials(env);
      assert.equal(read.kind, 'invalid', JSON.stringify(env));
      const problem = read.kind === 'invalid' ? read.problem : '';
      assert.match(problem, expected);
      for (const value of [env.VERIFF_API_KEY, env.VERIFF_SHARED_SECRET, 'pw-secret']) {
        assert.ok(!value || value === KEY || !problem.includes(value), `${problem} does not echo ${value}`);
      }
    }
  });
});
