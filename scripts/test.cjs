'use strict';
// `npm test`: builds, then runs the unit, integration (real VS Code extension host) and UI (real
// clicks in a real workbench) layers and ends with one summary line "N passed, N failed".
// The unit tests run beside the integration and UI layers, which take turns (each keeps the
// machine busy drawing a workbench); each layer's output is printed whole when it ends and is kept
// in test-results/<layer>.log. VERIFF_TEST_SERIAL=1 runs them one after another with live output.
// usage: node scripts/test.cjs [unit|integration|ui ...]
const { spawn, spawnSync } = require('node:child_process');
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

/** Paths `git status` lists (changed, added, untracked); undefined outside a git checkout. */
function gitStatusPaths() {
  const r = spawnSync('git', ['status', '--porcelain', '-z', '--untracked-files=all'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const paths = [];
  const fields = r.stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i];
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (/[RC]/.test(entry.slice(0, 2))) i++; // a rename/copy is followed by its source path
  }
  return paths;
}

/**
 * Files this run wrote outside git-ignored folders: listed by `git status` now, and either not
 * listed before the run or modified since it started. The README's pictures are allowed while
 * `npm run screenshots` runs.
 */
function writtenOutsideIgnored(before, startedMs) {
  const after = gitStatusPaths();
  if (!before || !after) return [];
  const allowed = process.env.VERIFF_README_IMAGES === '1' ? /^docs\/images\// : undefined;
  return after.filter((file) => {
    if (allowed?.test(file)) return false;
    if (!before.has(file)) return true;
    const stat = fs.statSync(path.join(repoRoot, file), { throwIfNoEntry: false });
    return stat !== undefined && stat.mtimeMs >= startedMs;
  });
}

/**
 * Incremental tsc never deletes the output of a source that was deleted or renamed: such a stale
 * test would still run. Removes every .js (and .js.map) under out/ whose .ts source is gone.
 */
function pruneStaleOutput() {
  const outDir = path.join(repoRoot, 'out');
  const walk = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
  for (const file of walk(outDir)) {
    const m = /^(.*)\.js(\.map)?$/.exec(path.relative(outDir, file));
    if (m && !fs.existsSync(path.join(repoRoot, `${m[1]}.ts`))) {
      fs.rmSync(file, { force: true });
    }
  }
}

const children = new Set();

/** Ends the run with `code`, stopping what it started (a runtime install, a layer) first. */
function stopChildrenAndExit(code) {
  for (const child of children) child.kill();
  process.exit(code);
}

/** Stops at once with one line naming what is missing (the installer's own output is above it). */
function stopForRuntime(message) {
  console.error(`[test] cannot set up the VS Code test runtime: ${message}`);
  stopChildrenAndExit(1);
}

/**
 * Installs the VS Code test runtime and Chromium if they are not there yet, in a child process with
 * live output. Resolves when both are ready; on failure stops the whole run.
 */
function setUpRuntime() {
  const { isRuntimeInstalled, ensureChromium, missingBuildTools } = require('./runtime/install.cjs');
  if (isRuntimeInstalled()) {
    try {
      ensureChromium();
      return Promise.resolve();
    } catch (err) {
      stopForRuntime(err instanceof Error ? err.message : String(err));
    }
  }
  const missing = missingBuildTools();
  if (missing.length > 0) {
    stopForRuntime(`${missing.join(', ')} not found (needed to build code-server's native modules; npm cannot install ${missing.length === 1 ? 'it' : 'them'})`);
  }
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'runtime', 'install.cjs')], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    children.add(child);
    child.on('error', (err) => stopForRuntime(err.message));
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (code !== 0) stopForRuntime(`the installer exited with ${code ?? signal} (its output is above)`);
      console.log(`[test] test runtime: ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve();
    });
  });
}

/**
 * Runs one layer's command. Live: its output goes to this terminal. Otherwise it goes to
 * test-results/<layer>.log and is printed whole once the layer ends, so layers running at the same
 * time do not interleave their lines.
 */
function runLayer(layer, args, live) {
  const file = path.join(resultsDir, `${layer}.json`);
  fs.rmSync(file, { force: true });
  const logFile = path.join(resultsDir, `${layer}.log`);
  const started = Date.now();
  return new Promise((resolve) => {
    const log = live ? undefined : fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: live ? 'inherit' : ['ignore', log, log], env: process.env });
    children.add(child);
    let ended = false;
    const done = (code) => {
      if (ended) return;
      ended = true;
      children.delete(child);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (log !== undefined) {
        fs.closeSync(log);
        process.stdout.write(`\n[test] ---- ${layer} tests ----\n${fs.readFileSync(logFile, 'utf8')}`);
      }
      console.log(`[test] ${layer} tests: exit ${code} in ${seconds} s`);
      resolve({ ok: code === 0, seconds });
    };
    child.on('error', (err) => {
      console.error(`[test] cannot run the ${layer} tests: ${err.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? signal));
  });
}

async function main() {
  const unknown = layers.filter((l) => !ALL.includes(l));
  if (unknown.length > 0) {
    console.error(`[test] unknown layer ${unknown.join(', ')}; use ${ALL.join(', ')}`);
    process.exit(2);
  }
  const started = Date.now();
  const statusBefore = gitStatusPaths();
  const dirtyBefore = statusBefore && new Set(statusBefore);
  fs.mkdirSync(resultsDir, { recursive: true });
  // The runtime installs (first run: ~2 min, mostly downloads and two native compiles) while the
  // extension builds and the unit tests run; the layers that need it start when it is ready.
  const runtime = layers.some((l) => l !== 'unit') && process.env.VERIFF_TEST_VSCODE !== 'desktop' ? setUpRuntime() : Promise.resolve();
  if (!step('build', process.execPath, ['esbuild.mjs', '--production'])) stopChildrenAndExit(1);
  pruneStaleOutput();
  if (!step('compile tests (tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'])) stopChildrenAndExit(1);
  const commands = {
    // Generous: the unit tests share the machine with the other two layers, and a few parse all of src/.
    unit: ['scripts/runMocha.cjs', path.join(resultsDir, 'unit.json'), 'out/test/unit', '30000'],
    integration: ['scripts/runIntegration.cjs', path.join(resultsDir, 'integration.json')],
    ui: ['scripts/runMocha.cjs', path.join(resultsDir, 'ui.json'), 'out/test/ui', '180000', process.env.VERIFF_UI_JOBS ?? '2'],
  };
  const serial = layers.length === 1 || process.env.VERIFF_TEST_SERIAL === '1';
  if (!serial) {
    console.log(`[test] running ${layers.join(', ')} (unit beside the other two); each layer's output is printed when it ends (live in test-results/<layer>.log)`);
  }
  // Serial: one layer after another, live. Otherwise the two layers that drive a VS Code take turns
  // (each keeps both cores busy drawing the workbench) while the unit tests run beside them.
  const byLayer = {};
  const inTurn = async (names, live) => {
    for (const layer of names) {
      if (layer !== 'unit') await runtime;
      byLayer[layer] = await runLayer(layer, commands[layer], live);
    }
  };
  if (serial) {
    await inTurn(layers, true);
  } else {
    await Promise.all([inTurn(layers.filter((l) => l === 'unit'), false), inTurn(layers.filter((l) => l !== 'unit'), false)]);
  }
  const results = layers.map((layer) => byLayer[layer]);
  const totals = { passed: 0, failed: 0, pending: 0 };
  const lines = [];
  for (const [i, layer] of layers.entries()) {
    const { ok } = results[i];
    const file = path.join(resultsDir, `${layer}.json`);
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
    lines.push(`  ${layer.padEnd(12)} ${stats.passed} passed, ${stats.failed} failed${stats.pending ? `, ${stats.pending} pending` : ''} (${results[i].seconds} s)`);
  }
  const written = writtenOutsideIgnored(dirtyBefore, started);
  if (written.length > 0) {
    console.error(`[test] the tests wrote files git does not ignore (tests may write only to git-ignored folders): ${written.join(', ')}`);
    totals.failed += 1;
    lines.push(`  ${'clean tree'.padEnd(12)} 0 passed, 1 failed`);
  }
  console.log(`\n[test] finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const line of lines) console.log(line);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`[test] ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
