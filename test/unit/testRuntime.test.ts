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
    for (const name of ['theme-defaults', 'git', 'copilot', 'markdown-basics', 'node_modules']) {
      fs.mkdirSync(path.join(source, name));
    }
    fs.writeFileSync(path.join(source, 'package.json'), '{}');
    const { dir, notLoaded } = buildIn(cache);
    assert.ok(notLoaded.includes('git') && notLoaded.includes('copilot'));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['markdown-basics', 'node_modules', 'package.json', 'theme-defaults']);
    assert.equal(fs.realpathSync(path.join(dir, 'theme-defaults')), fs.realpathSync(path.join(source, 'theme-defaults')));
    fs.mkdirSync(path.join(source, 'added-later'));
    assert.equal(buildIn(cache).dir, dir);
    assert.equal(fs.existsSync(path.join(dir, 'added-later')), false, 'an existing folder is used as it is');
    assert.deepEqual(fs.readdirSync(cache).filter((n) => n.endsWith('.tmp')), [], 'nothing half-built is left');
  });

  it('keeps a listed one that has a web entry point (the browser side would list it and fail to activate it)', () => {
    fs.mkdirSync(path.join(source, 'git'));
    fs.writeFileSync(path.join(source, 'git', 'package.json'), JSON.stringify({ name: 'git', main: './out/main', browser: './dist/browser/main' }));
    fs.mkdirSync(path.join(source, 'github'));
    fs.writeFileSync(path.join(source, 'github', 'package.json'), JSON.stringify({ name: 'github', main: './out/extension' }));
    assert.deepEqual(fs.readdirSync(buildIn(cache).dir).sort(), ['git']);
  });
});

describe('test runtime: a code-server outlives no process that started it', () => {
  let cache: string;

  beforeEach(() => {
    // A throwaway runtime: this Node as its Node, and a stand-in code-server that answers /healthz
    // and starts a child in its process group (as the real one starts extension hosts).
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-runtime-'));
    const bin = path.join(cache, 'node24', 'node_modules', 'node', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    fs.mkdirSync(path.join(cache, 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions'), { recursive: true });
    const entry = path.join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    fs.mkdirSync(path.dirname(entry), { recursive: true });
    fs.writeFileSync(
      entry,
      `const port = Number(process.argv[process.argv.indexOf('--bind-addr') + 1].split(':')[1]);
const host = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
require('node:http').createServer((req, res) => res.end(JSON.stringify({ status: 'alive', host: host.pid }))).listen(port, '127.0.0.1');`,
    );
  });

  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('takes the server and its children down when the process that started it dies of an uncaught error', async function () {
    this.timeout(20_000);
    const codeServer = path.join(repoRoot, 'scripts', 'runtime', 'codeServer.cjs');
    // Starts the server, prints its pids and temp folder, then dies without calling stop().
    const owner = `require(${JSON.stringify(codeServer)}).startCodeServer().then(async (s) => {
  const { host } = await (await fetch(s.url + '/healthz')).json();
  console.log(JSON.stringify({ server: s.pid, host, root: s.root }));
  throw new Error('the owner crashes');
});`;
    let output = '';
    try {
      execFileSync(process.execPath, ['-e', owner], { env: { ...process.env, VERIFF_RUNTIME_CACHE: cache, VERIFF_KEEP_TEMP: '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
      assert.fail('the owner should have crashed');
    } catch (err) {
      output = String((err as { stdout?: string }).stdout ?? '');
      assert.match(String((err as { stderr?: string }).stderr ?? ''), /the owner crashes/);
    }
    const started = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { server: number; host: number; root: string };
    assert.ok(started.server > 0 && started.host > 0, output);
    try {
      const deadline = Date.now() + 5000;
      while ((alive(started.server) || alive(started.host)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(alive(started.server), false, 'the server is gone');
      assert.equal(alive(started.host), false, 'its child is gone');
      assert.equal(fs.existsSync(started.root), false, 'its throwaway home and user data are removed');
    } finally {
      for (const pid of [started.server, started.host]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
  });
});
