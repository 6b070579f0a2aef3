import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const script = path.join(repoRoot, 'scripts', 'runtime', 'builtinExtensions.cjs');

/** builtinExtensionsDir() of the script in a fresh process whose runtime lives in `cache`. */
function buildIn(cache: string): { dir: string; notLoaded: string[] } {
  const out = execFileSync(
    process.execPath,
    ['-e', `const b = require(${JSON.stringify(script)}); console.log(JSON.stringify({ dir: b.builtinExtensionsDir(), notLoaded: b.NOT_LOADED }))`],
    { env: { ...process.env, VERIFF_RUNTIME_CACHE: cache }, encoding: 'utf8' },
  );
  return JSON.parse(out) as { dir: string; notLoaded: string[] };
}

describe('test runtime: the built-in extensions a test workbench loads', () => {
  let cache: string;
  let source: string;

  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-runtime-'));
    source = path.join(cache, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');
    fs.mkdirSync(source, { recursive: true });
  });

  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('links every installed one but those not loaded, and makes the folder once', () => {
    for (const name of ['theme-defaults', 'git', 'json-language-features', 'markdown-basics', 'node_modules']) {
      fs.mkdirSync(path.join(source, name));
    }
    fs.writeFileSync(path.join(source, 'package.json'), '{}');
    const { dir, notLoaded } = buildIn(cache);
    assert.ok(notLoaded.includes('git') && notLoaded.includes('json-language-features'));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['markdown-basics', 'node_modules', 'package.json', 'theme-defaults']);
    assert.equal(fs.realpathSync(path.join(dir, 'theme-defaults')), fs.realpathSync(path.join(source, 'theme-defaults')));
    fs.mkdirSync(path.join(source, 'added-later'));
    assert.equal(buildIn(cache).dir, dir);
    assert.equal(fs.existsSync(path.join(dir, 'added-later')), false, 'an existing folder is used as it is');
    assert.deepEqual(fs.readdirSync(cache).filter((n) => n.endsWith('.tmp')), [], 'nothing half-built is left');
  });
});
