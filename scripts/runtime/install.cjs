'use strict';
// Installs the offline VS Code test runtime on first use, from the npm registry only: Node 24
// (`node@24`), code-server (a real VS Code) with its native modules built against that Node's
// headers, and Chromium unpacked from `@sparticuz/chromium` together with the shared libraries it
// ships (NSS, NSPR, expat), so no system package is needed. Skips what is already installed.
// What npm cannot provide (a C/C++ tool chain for the native modules) is checked first: a missing
// tool stops the install at once with one line naming it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  cacheDir, chromiumDir, chromiumLibDir, chromiumPath, CODE_SERVER_VERSION, codeServerDir, codeServerEntry, NODE_MAJOR, nodeBinary,
  nodeDir, nodePackageDir, readyMarker, repoRoot,
} = require('./paths.cjs');

// The native modules the VS Code server loads while the tests run (measured: the `.node` files
// mapped by the server, extension host, pty host and watcher processes through a whole `npm test`);
// `@parcel/watcher` and `node-pty` ship prebuilt binaries and rebuild in seconds. Not built, because
// the server never loads them here: `@vscode/sqlite3` (its compile was over half the cold install),
// `@vscode/deviceid` (telemetry, off), `@vscode/fs-copyfile` (macOS), `ssh2`/`cpu-features` (remote
// tunnels), and `kerberos` (Kerberos proxy authentication; it would need gssapi/gssapi.h).
const NATIVE_MODULES = ['@parcel/watcher', '@vscode/spdlog', '@vscode/native-watchdog', 'node-pty'];

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${result.status}`);
  }
}

/** The build tools node-gyp needs for the native modules: present on PATH, or named in the result. */
function missingBuildTools(env = process.env) {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const onPath = (name) => dirs.some((dir) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  const needs = [
    ['a C++ compiler (g++)', env.CXX ? [env.CXX] : ['g++', 'c++', 'clang++']],
    ['make', ['make']],
    ['python3', env.PYTHON ? [env.PYTHON] : ['python3']],
  ];
  return needs.filter(([, names]) => !names.some((n) => (path.isAbsolute(n) ? fs.existsSync(n) : onPath(n)))).map(([label]) => label);
}

function isRuntimeInstalled() {
  return fs.existsSync(readyMarker) && fs.existsSync(codeServerEntry) && fs.existsSync(nodeBinary);
}

/** npm for the runtime: Node 24 first on PATH, headers from the node package, no outer npm_* variables. */
function runtimeEnv() {
  // Under `npm run`, the outer npm's npm_* variables (npm_config_user_agent names Node 20) would
  // reach the inner npm: drop them.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  return {
    ...clean,
    PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodePackageDir,
  };
}

function installCodeServer() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
  const env = runtimeEnv();
  // code-server's own postinstall runs `npm install` in lib/vscode, which would compile kerberos:
  // do its steps here instead, building only the native modules the server loads.
  run(npm, ['install', ...quiet, '--no-save', '--ignore-scripts', '--prefix', codeServerDir, `code-server@${CODE_SERVER_VERSION}`], { env });
  const vscodeDir = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode');
  run(npm, ['install', ...quiet, '--omit=dev', '--ignore-scripts'], { env, cwd: vscodeDir });
  run(npm, ['rebuild', ...quiet, ...NATIVE_MODULES], { env, cwd: vscodeDir });
  run(npm, ['install', ...quiet, '--omit=dev'], { env, cwd: path.join(vscodeDir, 'extensions') });
  for (const [dir, source, dest] of [['remote-cli', 'code-linux.sh', 'code-server'], ['helpers', 'browser-linux.sh', 'browser.sh']]) {
    const link = path.join(vscodeDir, 'bin', dir, dest);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(source, link);
  }
}

function ensureRuntime({ quiet = false } = {}) {
  const started = Date.now();
  if (isRuntimeInstalled()) {
    if (!quiet) console.log(`[runtime] code-server ${CODE_SERVER_VERSION} on Node ${NODE_MAJOR} already installed (${Date.now() - started} ms)`);
    return { installed: false, ms: Date.now() - started };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the offline test runtime is built for linux-x64; on ${process.platform}-${process.arch} set VERIFF_TEST_VSCODE=desktop`);
  }
  const missing = missingBuildTools();
  if (missing.length > 0) {
    throw new Error(
      `cannot build code-server's native modules: ${missing.join(', ')} not found (npm cannot install ${missing.length === 1 ? 'it' : 'them'}; on Debian/Ubuntu: apt-get install g++ make python3)`,
    );
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  if (!fs.existsSync(nodeBinary)) {
    console.log(`[runtime] installing Node ${NODE_MAJOR} from the npm registry into ${path.relative(process.cwd(), nodeDir)}`);
    run(npm, ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', '--prefix', nodeDir, `node@${NODE_MAJOR}`], { env: runtimeEnv() });
  }
  console.log(`[runtime] installing code-server ${CODE_SERVER_VERSION} (the native modules it loads built against Node ${NODE_MAJOR} headers; about 1-2 minutes)`);
  fs.rmSync(codeServerDir, { recursive: true, force: true });
  installCodeServer();
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server entry not found at ${codeServerEntry}`);
  }
  fs.writeFileSync(readyMarker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_MAJOR, at: new Date().toISOString() }));
  const ms = Date.now() - started;
  console.log(`[runtime] installed in ${(ms / 1000).toFixed(1)} s`);
  return { installed: true, ms };
}

/** Unpacks `what` of the @sparticuz/chromium package (its own unpacker) into a fresh staging folder; returns it. */
function unpackChromiumParts(what) {
  const staging = `${chromiumDir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  // The package unpacks into os.tmpdir(): point TMPDIR at the staging folder for that one child process.
  const script = [
    "import c, { inflate } from '@sparticuz/chromium';",
    "const bin = new URL('../bin/', import.meta.resolve('@sparticuz/chromium')).pathname;",
    what === 'all' ? 'await c.executablePath();' : '',
    "await inflate(bin + 'al2023.tar.br');",
  ].join(' ');
  run(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, TMPDIR: staging } });
  return staging;
}

/**
 * Unpacks Chromium from the @sparticuz/chromium npm package into the runtime cache (a few seconds,
 * once), with the libraries it needs beyond glibc (`al2023/lib`, put on LD_LIBRARY_PATH by browser.cjs).
 */
function ensureChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (!fs.existsSync(chromiumPath)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    return chromiumPath;
  }
  const complete = fs.existsSync(chromiumPath) && fs.existsSync(path.join(chromiumDir, 'fonts.conf'));
  if (complete && fs.existsSync(path.join(chromiumLibDir, 'libnss3.so'))) return chromiumPath;
  if (complete) {
    // Unpacked before the libraries were: add them next to it (the browser may be in use, so leave it be).
    const staging = unpackChromiumParts('libraries');
    fs.renameSync(path.join(staging, 'al2023'), path.join(chromiumDir, 'al2023'));
    fs.rmSync(staging, { recursive: true, force: true });
    console.log(`[runtime] Chromium's libraries unpacked from @sparticuz/chromium into ${path.relative(process.cwd(), chromiumLibDir)}`);
    return chromiumPath;
  }
  const staging = unpackChromiumParts('all');
  if (!fs.existsSync(path.join(staging, 'chromium'))) throw new Error(`Chromium was not unpacked from @sparticuz/chromium into ${staging}`);
  // The package's fonts.conf names Lambda's folders; point fontconfig at the unpacked fonts instead.
  fs.writeFileSync(path.join(staging, 'fonts.conf'), [
    '<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', '<fontconfig>',
    `  <dir>${path.join(chromiumDir, 'fonts', 'fonts')}</dir>`, '  <dir>/usr/share/fonts</dir>',
    `  <cachedir>${path.join(chromiumDir, 'fonts-cache')}</cachedir>`, '</fontconfig>', '',
  ].join('\n'));
  // Complete or not there at all: an interrupted unpack never looks installed.
  fs.rmSync(chromiumDir, { recursive: true, force: true });
  fs.renameSync(staging, chromiumDir);
  console.log(`[runtime] Chromium unpacked from @sparticuz/chromium into ${path.relative(process.cwd(), chromiumDir)}`);
  return chromiumPath;
}

if (require.main === module) {
  try {
    ensureRuntime();
    ensureChromium();
  } catch (err) {
    console.error(`[runtime] ${err.message}`);
    process.exit(1);
  }
}

module.exports = { isRuntimeInstalled, ensureRuntime, ensureChromium, missingBuildTools };
