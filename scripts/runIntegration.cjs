'use strict';
// Runs test/integration in a real VS Code extension host through @vscode/test-electron's runTests.
// Offline (default) the "executable" is scripts/runtime/code-launcher.sh (code-server + Chromium);
// with VERIFF_TEST_VSCODE=desktop runTests downloads and uses VS Code desktop as usual.
// usage: node scripts/runIntegration.cjs <results.json>
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const repoRoot = path.resolve(__dirname, '..');

async function main() {
  const resultsFile = path.resolve(process.argv[2] ?? path.join(repoRoot, 'test-results', 'integration.json'));
  fs.rmSync(resultsFile, { force: true });
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-workspace-'));
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  const desktop = process.env.VERIFF_TEST_VSCODE === 'desktop';
  const options = {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index.js'),
    launchArgs: desktop ? [workspace, '--disable-extensions', '--disable-workspace-trust'] : [workspace],
    extensionTestsEnv: { VERIFF_TEST_RESULTS: resultsFile, VERIFF_TEST_WORKSPACE: workspace },
  };
  if (!desktop) {
    options.vscodeExecutablePath = path.join(repoRoot, 'scripts', 'runtime', 'code-launcher.sh');
  }
  try {
    await runTests(options);
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[integration] ${err && err.message ? err.message : err}`);
  process.exit(1);
});
