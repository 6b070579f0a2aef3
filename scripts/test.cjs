'use strict';
// `npm test`: builds, then runs the unit, integration (real VS Code extension host) and UI (real
// clicks in a real workbench) layers and ends with one summary line "N passed, N failed".
// The work is cut into jobs (the unit layer, the integration layer, each UI test file) that run two
// at a time (VERIFF_TEST_JOBS); each job's output is printed whole when it ends and is kept in
// test-results/. VERIFF_TEST_SERIAL=1 runs them one after another with live output.
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

/** A UI failure leaves its picture and logs as test-results/screenshots/failed-*; they describe one run only. */
function clearFailureArtifacts() {
  const dir = path.join(resultsDir, 'screenshots');
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (name.startsWith('failed-')) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
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
 * Runs one job (a layer, or one UI test file). Live: its output goes to this terminal. Otherwise it
 * goes to its log file and is printed whole once the job ends, so jobs running at the same time do
 * not interleave their lines.
 */
function runJob(job, live) {
  fs.rmSync(job.results, { force: true });
  fs.mkdirSync(path.dirname(job.log), { recursive: true });
  const started = Date.now();
  return new Promise((resolve) => {
    const log = live ? undefined : fs.openSync(job.log, 'w');
    const child = spawn(process.execPath, job.args, { cwd: repoRoot, stdio: live ? 'inherit' : ['ignore', log, log], env: process.env });
    children.add(child);
    let ended = false;
    const done = (code) => {
      if (ended) return;
      ended = true;
      children.delete(child);
      const seconds = (Date.now() - started) / 1000;
      if (log !== undefined) {
        fs.closeSync(log);
        process.stdout.write(`\n[test] ---- ${job.name} ----\n${fs.readFileSync(job.log, 'utf8')}`);
      }
      console.log(`[test] ${job.name}: exit ${code} in ${seconds.toFixed(1)} s`);
      resolve({ ok: code === 0, started, ended: Date.now(), seconds });
    };
    child.on('error', (err) => {
      console.error(`[test] cannot run ${job.name}: ${err.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? signal));
  });
}

const uiTimingsFile = path.join(resultsDir, 'ui-timings.json');

/** The UI test files, the longest first (by the last run's times), so the last ones to start are short. */
function uiTestFiles() {
  const dir = path.join(repoRoot, 'out', 'test', 'ui');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort() : [];
  let last = {};
  try {
    last = JSON.parse(fs.readFileSync(uiTimingsFile, 'utf8'));
  } catch {
    // first run: alphabetical
  }
  return files.sort((a, b) => (last[b] ?? 0) - (last[a] ?? 0));
}

/**
 * The jobs of the requested layers, in the order they start: the integration layer and the unit
 * tests first, then one job per UI test file (each starts its own workbench, so files are the unit
 * of work to share out).
 */
function jobsFor(layers) {
  const jobs = [];
  if (layers.includes('integration')) {
    jobs.push({ layer: 'integration', name: 'integration tests', needsRuntime: true, args: ['scripts/runIntegration.cjs', path.join(resultsDir, 'integration.json')], results: path.join(resultsDir, 'integration.json'), log: path.join(resultsDir, 'integration.log') });
  }
  if (layers.includes('unit')) {
    // Generous timeout: the unit tests share the machine with the other layers, and a few parse all of src/.
    jobs.push({ layer: 'unit', name: 'unit tests', needsRuntime: false, args: ['scripts/runMocha.cjs', path.join(resultsDir, 'unit.json'), 'out/test/unit', '30000'], results: path.join(resultsDir, 'unit.json'), log: path.join(resultsDir, 'unit.log') });
  }
  if (layers.includes('ui')) {
    for (const file of uiTestFiles()) {
      const base = file.replace(/\.test\.js$/, '');
      const results = path.join(resultsDir, 'ui', `${base}.json`);
      jobs.push({ layer: 'ui', file, name: `ui tests: ${file}`, needsRuntime: true, args: ['scripts/runMocha.cjs', results, path.join('out', 'test', 'ui', file), '180000'], results, log: path.join(resultsDir, 'ui', `${base}.log`) });
    }
  }
  return jobs;
}

/** Runs the jobs in order on `slots` parallel slots; a job that needs the runtime waits for it. */
async function runJobs(jobs, slots, runtime, live) {
  const queue = [...jobs];
  const results = new Map();
  const slot = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (job.needsRuntime) await runtime;
      results.set(job, await runJob(job, live));
    }
  };
  await Promise.all(Array.from({ length: Math.min(slots, jobs.length) }, slot));
  return results;
}

function readStats(job, result) {
  let stats = { passed: 0, failed: 0, pending: 0 };
  if (fs.existsSync(job.results)) stats = JSON.parse(fs.readFileSync(job.results, 'utf8'));
  // A job that crashed before its tests could report counts as one failure.
  if (!result.ok && stats.failed === 0) stats.failed = 1;
  return stats;
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
  if (layers.includes('ui')) clearFailureArtifacts();
  // The runtime installs (first run: ~1.5 min, mostly downloads and two native compiles) while the
  // extension builds and the unit tests run; the jobs that need it start when it is ready.
  const runtime = layers.some((l) => l !== 'unit') && process.env.VERIFF_TEST_VSCODE !== 'desktop' ? setUpRuntime() : Promise.resolve();
  if (!step('build', process.execPath, ['esbuild.mjs', '--production'])) stopChildrenAndExit(1);
  pruneStaleOutput();
  if (!step('compile tests (tsc)', process.execPath, [require.resolve('typescript/bin/tsc'), '-p', '.'])) stopChildrenAndExit(1);
  const jobs = jobsFor(layers);
  const serial = process.env.VERIFF_TEST_SERIAL === '1';
  // Two at a time keeps both cores of a small machine busy: one VS Code layer alone leaves a core
  // partly idle while its workbench waits on the extension host, and vice versa.
  const slots = serial ? 1 : Math.max(1, Number(process.env.VERIFF_TEST_JOBS ?? 2));
  if (slots > 1) {
    console.log(`[test] running ${jobs.length} jobs, ${slots} at a time: ${jobs.map((j) => j.file ?? j.layer).join(', ')}; each job's output is printed when it ends (live in test-results/)`);
  }
  const results = await runJobs(jobs, slots, runtime, slots === 1);
  const totals = { passed: 0, failed: 0, pending: 0 };
  const lines = [];
  const uiTimes = {};
  for (const layer of layers) {
    const own = jobs.filter((j) => j.layer === layer);
    const stats = { passed: 0, failed: 0, pending: 0 };
    for (const job of own) {
      const s = readStats(job, results.get(job));
      for (const k of Object.keys(stats)) stats[k] += s[k];
      if (job.file) uiTimes[job.file] = results.get(job).seconds;
    }
    for (const k of Object.keys(totals)) totals[k] += stats[k];
    const span = own.length ? (Math.max(...own.map((j) => results.get(j).ended)) - Math.min(...own.map((j) => results.get(j).started))) / 1000 : 0;
    lines.push(`  ${layer.padEnd(12)} ${stats.passed} passed, ${stats.failed} failed${stats.pending ? `, ${stats.pending} pending` : ''} (${span.toFixed(1)} s)`);
  }
  if (Object.keys(uiTimes).length) fs.writeFileSync(uiTimingsFile, `${JSON.stringify(uiTimes, null, 2)}\n`);
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
