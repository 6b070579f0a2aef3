'use strict';
// Installs the offline VS Code test runtime on first use: Node 24 (npm package `node@24`) and
// code-server (a real VS Code) built against that Node's headers. Skips when already installed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const {
  cacheDir, chromiumPath, CODE_SERVER_VERSION, codeServerDir, codeServerEntry, NODE_MAJOR, nodeBinary, nodeDir,
  nodePackageDir, readyMarker,
} = require('./paths.cjs');

function run(cmd, args, env = process.env) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${result.status}`);
  }
  return Date.now() - started;
}

function isRuntimeInstalled() {
  return fs.existsSync(readyMarker) && fs.existsSync(codeServerEntry) && fs.existsSync(nodeBinary);
}

function ensureRuntime({ quiet = false } = {}) {
  const started = Date.now();
  if (isRuntimeInstalled()) {
    if (!quiet) console.log(`[runtime] code-server ${CODE_SERVER_VERSION} on Node ${NODE_MAJOR} already installed (${Date.now() - started} ms)`);
    return { installed: false, ms: Date.now() - started };
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'];
  if (!fs.existsSync(nodeBinary)) {
    console.log(`[runtime] installing Node ${NODE_MAJOR} from the npm registry into ${path.relative(process.cwd(), nodeDir)}`);
    run(npm, [...npmArgs, '--prefix', nodeDir, `node@${NODE_MAJOR}`]);
  }
  console.log(`[runtime] installing code-server ${CODE_SERVER_VERSION} (native modules built against Node ${NODE_MAJOR} headers; about 2-3 minutes)`);
  // Under `npm run`, the outer npm's npm_* variables (npm_config_user_agent names Node 20) would
  // reach code-server's postinstall, which checks the Node version from them: drop them.
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
  const env = {
    ...cleanEnv,
    PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: nodePackageDir,
  };
  run(npm, [...npmArgs, '--prefix', codeServerDir, `code-server@${CODE_SERVER_VERSION}`], env);
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(`code-server entry not found at ${codeServerEntry}`);
  }
  fs.writeFileSync(readyMarker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_MAJOR, at: new Date().toISOString() }));
  const ms = Date.now() - started;
  console.log(`[runtime] installed in ${(ms / 1000).toFixed(1)} s`);
  return { installed: true, ms };
}

function checkChromium() {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath}. Install it with: apt-get install -y --no-install-recommends chromium (or set CHROMIUM_PATH).`);
  }
}

if (require.main === module) {
  try {
    ensureRuntime();
    checkChromium();
  } catch (err) {
    console.error(`[runtime] ${err.message}`);
    process.exit(1);
  }
}

module.exports = { isRuntimeInstalled, ensureRuntime, checkChromium };
