import * as assert from 'node:assert/strict';
import { commandLineLabel, redactCommandLine } from '../../src/core/commandLabel';

describe('command line label', () => {
  it('hides the values of secret environment assignments and flags', () => {
    assert.equal(
      redactCommandLine('VERIFF_API_URL=http://127.0.0.1:5000/v1 VERIFF_API_KEY=1b2c3d4e-aaaa VERIFF_SHARED_SECRET=s3cr3t npm test'),
      'VERIFF_API_URL=http://127.0.0.1:5000/v1 VERIFF_API_KEY=*** VERIFF_SHARED_SECRET=*** npm test',
    );
    assert.equal(redactCommandLine('node run.js --api-key abc123 --token="x y" --verbose'), 'node run.js --api-key *** --token=*** --verbose');
    assert.equal(redactCommandLine("GITHUB_TOKEN='t o k' npx jest --secret=zzz"), 'GITHUB_TOKEN=*** npx jest --secret=***');
  });

  it('leaves ordinary commands alone, and a flag followed by another flag', () => {
    assert.equal(redactCommandLine('  npm   test -- --grep  "create session" '), 'npm test -- --grep "create session"');
    assert.equal(redactCommandLine('pytest --no-secret-check -k smoke'), 'pytest --no-secret-check -k smoke');
    assert.equal(redactCommandLine('npm run keygen'), 'npm run keygen');
  });

  it('cuts a long label and gives undefined for a blank command', () => {
    assert.equal(commandLineLabel('npm test', 60), 'npm test');
    assert.equal(commandLineLabel('x'.repeat(70), 60), `${'x'.repeat(60)}…`);
    assert.equal(commandLineLabel('SHARED_SECRET=abcdef npm test', 60), 'SHARED_SECRET=*** npm test');
    assert.equal(commandLineLabel('   ', 60), undefined);
  });
});
