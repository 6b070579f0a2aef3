'use strict';
// `npm test`: builds, then runs the unit, integration (real VS Code extension host) and UI (real
// clicks in a real workbench) layers and ends with one summary line "N passed, N failed".
// usage: node scripts/test.cjs [unit|integration|ui ...]
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const resultsDir = path.join(repoRoot, 'test-results');
const ALL = ['unit', 'integration', 'ui'];
const layers = process.argv.slice(2).length ? process.argv.slice(2) : ALL;

function step(label, cmd, args) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test] ${label}: exit ${r.status} in ${seconds} s`);
  return r.status === 0;
}

function main() {
  const started = Date.now();
  fs.mkdirSync(resultsDir, { recursive: true });
  if (!step('build', process.execPath, ['esbuild.mjs', '--production'])) process.exit(1);
  if (!step('compile tests (tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'])) process.exit(1);
  if (layers.some((l) => l !== 'unit') && process.env.VERIFF_TEST_VSCODE !== 'desktop') {
    const { ensureRuntime, ensureChromium } = require('./runtime/install.cjs');
    ensureRuntime();
    ensureChromium();
  }
  const commands = {
    unit: ['scripts/runMocha.cjs', path.join(resultsDir, 'unit.json'), 'out/test/unit', '10000'],
    integration: ['scripts/runIntegration.cjs', path.join(resultsDir, 'integration.json')],
    ui: ['scripts/runMocha.cjs', path.join(resultsDir, 'ui.json'), 'out/test/ui', '180000'],
  };
  const totals = { passed: 0, failed: 0, pending: 0 };
  const lines = [];
  for (const layer of layers) {
    if (!commands[layer]) {
      console.error(`[test] unknown layer ${layer}; use ${ALL.join(', ')}`);
      process.exit(2);
    }
    const file = path.join(resultsDir, `${layer}.json`);
    fs.rmSync(file, { force: true });
    const ok = step(`${layer} tests`, process.execPath, commands[layer]);
    let stats = { passed: 0, failed: 0, pending: 0 };
    if (fs.existsSync(file)) {
      stats = JSON.parse(fs.readFileSync(file, 'utf8'));
    }
    if (!ok && stats.failed === 0) {
      // The layer crashed before its tests could report: count it as one failure.
      stats.failed = 1;
    }
    totals.passed += stats.passed;
    totals.failed += stats.failed;
    totals.pending += stats.pending;
    lines.push(`  ${layer.padEnd(12)} ${stats.passed} passed, ${stats.failed} failed${stats.pending ? `, ${stats.pending} pending` : ''}`);
  }
  console.log(`\n[test] finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of lines) console.log(line);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main();
