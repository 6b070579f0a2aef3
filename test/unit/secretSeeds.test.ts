import * as assert from 'node:assert/strict';
import { withoutSecrets } from '../../src/core/secretSeeds';

const KEY = '1B2C3D4E-0000-4000-8000-000000000000';
const SECRET = 'C0FFEE00-1111-4222-8333-444444444444';
const OTHER_SECRET = '5eC2e700-aaaa-4bbb-8ccc-dddddddddddd';
const SESSION = 'aaaaaaaa-0000-4000-8000-000000000000';

describe('stored secrets among session ids', () => {
  it('drops the API keys (any case, padded, as seeds too) and reports them masked only', () => {
    const { accepted, skipped } = withoutSecrets([SESSION, ` ${KEY.toLowerCase()} `, { id: KEY, label: 'x' }], { apiKeys: [KEY], sharedSecrets: [] });
    assert.deepEqual(accepted, [SESSION]);
    assert.deepEqual(skipped, ['1b2c…', '1b2c…']);
    assert.ok(!JSON.stringify(skipped).includes(KEY.slice(4).toLowerCase()));
  });

  it('drops the shared secrets of every integration, compared case-insensitively, and never shows any of them', () => {
    const { accepted, skipped } = withoutSecrets([SECRET.toLowerCase(), SESSION, { id: OTHER_SECRET.toUpperCase() }, ` ${OTHER_SECRET} `], {
      apiKeys: [KEY],
      sharedSecrets: [SECRET, OTHER_SECRET.toLowerCase()],
    });
    assert.deepEqual(accepted, [SESSION]);
    assert.equal(skipped.length, 3);
    const shown = JSON.stringify(skipped).toLowerCase();
    for (const secret of [SECRET, OTHER_SECRET]) {
      assert.ok(!shown.includes(secret.slice(0, 4).toLowerCase()), `${shown} shows part of a secret`);
    }
  });

  it('keeps everything when nothing matches', () => {
    assert.deepEqual(withoutSecrets([SESSION], { apiKeys: [], sharedSecrets: [] }), { accepted: [SESSION], skipped: [] });
  });
});
