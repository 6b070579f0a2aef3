'use strict';
// Starts a code-server (real VS Code 1.139) on 127.0.0.1 in its own process group, with a throwaway
// home and user-data-dir, and stops the whole group afterwards.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { builtinExtensionsDir } = require('./builtinExtensions.cjs');
const { codeServerEntry, nodeBinary } = require('./paths.cjs');

const QUIET_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'workbench.startupEditor': 'none',
  'git.enabled': false,
  'npm.fetchOnlinePackageInfo': false,
  'workbench.tips.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited early with code ${child.exitCode}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs} ms`);
}

/**
 * @param {{ port?: number, userDataDir?: string, settings?: object, env?: NodeJS.ProcessEnv, extraArgs?: string[], logFile?: string }} [opts]
 */
async function startCodeServer(opts = {}) {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error('The VS Code test runtime is not installed: run `npm run runtime:install`.');
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-vscode-'));
  const home = path.join(root, 'home');
  const userDataDir = opts.userDataDir ?? path.join(root, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settingsFile) || opts.settings) {
    fs.writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...(opts.settings ?? {}) }, null, 2));
  }
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const logFile = opts.logFile ?? path.join(root, 'code-server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    nodeBinary,
    [
      codeServerEntry,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--reconnection-grace-time', '5',
      '--vscode-option', 'enable-smoke-test-driver',
      '--vscode-option', `builtin-extensions-dir=${builtinExtensionsDir()}`,
      '--user-data-dir', userDataDir,
      '--extensions-dir', path.join(userDataDir, 'extensions'),
      ...(opts.extraArgs ?? []),
    ],
    {
      detached: true, // own process group: stop() kills the file watcher and extension hosts too
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        ...(opts.env ?? {}),
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'),
        XDG_DATA_HOME: path.join(home, '.local', 'share'),
        EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }),
      },
    },
  );
  fs.closeSync(out);
  // The server has a process group of its own, so it would outlive a process that ends without
  // stop(): an uncaught error, a write to a closed pipe (a bench piped into `head`). It then kept
  // loading the machine under the next measurements. The group goes when this process goes.
  const killOnExit = () => {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group gone */ }
    if (process.env.VERIFF_KEEP_TEMP) return;
    // Best effort: a dying extension host may still be writing there; an exception here would change the exit code.
    try { fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 }); } catch { /* left in the temp folder */ }
  };
  process.once('exit', killOnExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
      const exited = new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      const timer = setTimeout(() => {
        try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }, 3000);
      await exited;
      clearTimeout(timer);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group gone */ }
    } catch {
      // the group is already gone (it exited early)
    }
    if (!process.env.VERIFF_KEEP_TEMP) {
      // The throwaway home/user-data (and its log) go with the server; set VERIFF_KEEP_TEMP=1 to keep them.
      fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    }
    // Only now: an exit while waiting above still takes the group down.
    process.off('exit', killOnExit);
  };
  try {
    await waitForHealth(url, child, 30000);
  } catch (err) {
    const logTail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-4000) : '';
    await stop();
    err.message += `\n--- code-server log ---\n${logTail}`;
    throw err;
  }
  return { url, port, root, userDataDir, logFile, pid: child.pid, stop };
}

/** Builds the workbench URL that loads an extension under development (and optionally its tests). */
function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${path.resolve(p)}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const params = new URLSearchParams();
  if (folder) params.set('folder', path.resolve(folder));
  if (payload.length) params.set('payload', JSON.stringify(payload));
  return `${server.url}/?${params.toString()}`;
}

module.exports = { freePort, startCodeServer, workbenchUrl };
