'use strict';
// `npm run demo`: builds the extension and opens it in a VS Code window on a sample workspace,
// with the local Veriff sandbox started and a few sample sessions in different states.
// VS Code desktop (`code` on PATH) is used when installed; otherwise the offline code-server
// runtime starts and the URL to open in a browser is printed.
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

function hasCodeCli() {
  if (process.env.VERIFF_DEMO_RUNTIME === 'code-server') return false;
  const r = spawnSync('code', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function prepareWorkspace() {
  const workspace = path.join(os.tmpdir(), 'veriff-demo-workspace');
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.cpSync(path.join(repoRoot, 'demo', 'workspace'), workspace, { recursive: true });
  return workspace;
}

async function main() {
  const started = Date.now();
  const build = spawnSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const workspace = prepareWorkspace();
  const env = { ...process.env, VERIFF_DEMO: '1' };
  if (hasCodeCli()) {
    // A throwaway profile: the demo's "Local Sandbox" integration, its secrets and sample sessions
    // must not land in the user's own VS Code (and their active integration must not change).
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-demo-profile-'));
    console.log('[demo] opening VS Code desktop (throwaway profile) with the extension under development');
    const args = [
      '--new-window',
      `--user-data-dir=${path.join(profile, 'user-data')}`,
      `--extensions-dir=${path.join(profile, 'extensions')}`,
      '--disable-workspace-trust',
      `--extensionDevelopmentPath=${repoRoot}`,
      workspace,
    ];
    const child = spawn('code', args, { stdio: 'inherit', env });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const { ensureRuntime } = require('./runtime/install.cjs');
  ensureRuntime();
  const { startCodeServer, workbenchUrl } = require('./runtime/codeServer.cjs');
  const server = await startCodeServer({ env, port: process.env.VERIFF_DEMO_PORT ? Number(process.env.VERIFF_DEMO_PORT) : undefined });
  const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: repoRoot });
  console.log(`\n[demo] VS Code (code-server ${require('./runtime/paths.cjs').CODE_SERVER_VERSION}) is ready after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  console.log('[demo] Open this URL in a browser on this machine:\n');
  console.log(`  ${url}\n`);
  console.log('[demo] The Veriff sidebar (shield icon) shows sample sessions on the local sandbox. Press Ctrl+C to stop.');
  const stop = () => server.stop().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.env.VERIFF_DEMO_EXIT_AFTER_MS) {
    setTimeout(stop, Number(process.env.VERIFF_DEMO_EXIT_AFTER_MS));
  }
}

main().catch((err) => {
  console.error(`[demo] ${err && err.message ? err.message : err}`);
  process.exit(1);
});
