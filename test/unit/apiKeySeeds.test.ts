import * as assert from 'node:assert/strict';
import { withoutApiKeys } from '../../src/core/apiKeySeeds';

const KEY = '1B2C3D4E-0000-4000-8000-000000000000';
const SESSION = 'aaaaaaaa-0000-4000-8000-000000000000';

describe('API keys among session ids', () => {
  it('drops the API keys (any case, padded, as seeds too) and reports them masked only', () => {
    const { accepted, skippedKeys } = withoutApiKeys([SESSION, ` ${KEY.toLowerCase()} `, { id: KEY, label: 'x' }], [KEY]);
    assert.deepEqual(accepted, [SESSION]);
    assert.deepEqual(skippedKeys, ['1b2c…', '1b2c…']);
    assert.ok(!JSON.stringify(skippedKeys).includes(KEY.slice(4).toLowerCase()));
  });

  it('keeps everything when no key matches', () => {
    assert.deepEqual(withoutApiKeys([SESSION], []), { accepted: [SESSION], skippedKeys: [] });
  });
});
