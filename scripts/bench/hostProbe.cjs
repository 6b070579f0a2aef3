'use strict';
// Loaded by a real VS Code extension host as `--extensionTestsPath` (see scripts/bench.cjs): activates
// the extension once, measures it, checks undici, the sandbox server and the other lazy parts stayed
// unloaded, times the first command (which loads dist/commands.js), times the sessions tree with
// 10,000 sessions, and writes the numbers as JSON to $VERIFF_BENCH_OUT.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { median } = require('./stats.cjs');

const EXTENSION_ID = 'veriff-test-sessions.veriff-test-sessions';
const TREE_SESSIONS = 10_000;
const TREE_REPEATS = 3;

/**
 * This extension's undici in require.cache: the lazy bundle dist/undici.js, or undici from its own
 * node_modules (VS Code's own undici, and the test runtime under .vscode-test/, do not count).
 */
function ourUndiciModules(extensionPath) {
  const bundle = path.join(extensionPath, 'dist', 'undici.js');
  const dependency = `${path.join(extensionPath, 'node_modules', 'undici')}${path.sep}`;
  return Object.keys(require.cache).filter((k) => k === bundle || k.startsWith(dependency));
}

async function treeBench(vscode, services) {
  const apiKey = crypto.randomUUID();
  const name = await vscode.commands.executeCommand('veriff.setCredentials', {
    name: 'Bench',
    apiUrl: 'http://127.0.0.1:9',
    apiKey,
    sharedSecret: crypto.randomBytes(16).toString('hex'),
  });
  if (name !== 'Bench') throw new Error('could not set credentials for the tree benchmark');
  const integrationId = services.credentials.active().id;
  const tree = services.sessionTree;
  if (!tree) throw new Error('services.sessionTree is not set');
  const store = services.sessions.store;
  const runs = [];
  for (let r = 0; r < TREE_REPEATS; r++) {
    store.remove(integrationId, store.list(integrationId).map((s) => s.id));
    const ids = Array.from({ length: TREE_SESSIONS }, () => crypto.randomUUID());
    // 20 runs of 500 sessions, as a nightly suite would leave them.
    for (let g = 0; g < 20; g++) {
      store.add(integrationId, ids.slice(g * 500, (g + 1) * 500), { source: 'file', label: `run-${String(g).padStart(2, '0')}` });
    }
    tree.refreshRows();
    let t = performance.now();
    const roots = tree.getChildren();
    const rows = roots.flatMap((g) => tree.getChildren(g));
    const getChildrenMs = performance.now() - t;
    if (rows.length !== TREE_SESSIONS) throw new Error(`tree shows ${rows.length} rows, expected ${TREE_SESSIONS}`);
    t = performance.now();
    for (const node of [...roots, ...rows]) tree.getTreeItem(node);
    const firstItemsMs = performance.now() - t;
    t = performance.now();
    tree.refreshRows();
    const again = tree.getChildren().flatMap((g) => tree.getChildren(g));
    for (const node of again) tree.getTreeItem(node);
    const cachedMs = performance.now() - t;
    runs.push({ getChildrenMs, firstItemsMs, cachedMs, groups: roots.length });
  }
  store.remove(integrationId, store.list(integrationId).map((s) => s.id));
  await services.credentials.remove(integrationId);
  return {
    sessions: TREE_SESSIONS,
    groups: runs[0].groups,
    getChildrenMs: median(runs.map((r) => r.getChildrenMs)),
    firstItemsMs: median(runs.map((r) => r.firstItemsMs)),
    cachedMs: median(runs.map((r) => r.cachedMs)),
  };
}

exports.run = async function run() {
  const out = process.env.VERIFF_BENCH_OUT;
  if (!out) throw new Error('VERIFF_BENCH_OUT is not set');
  const vscode = require('vscode');
  const result = { vscodeVersion: vscode.version, node: process.version };
  try {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    if (!ext) throw new Error(`${EXTENSION_ID} is not loaded`);
    result.wasActiveBefore = ext.isActive;
    const t = performance.now();
    const api = await ext.activate();
    result.activateCallMs = performance.now() - t;
    if (!api || !api.testing) throw new Error('test hooks are not exposed (extension not in test mode)');
    result.activationMs = api.testing.activationMs;
    result.undiciLoadedAfterActivation = api.testing.isUndiciLoaded();
    result.undiciInRequireCache = ourUndiciModules(ext.extensionPath);
    result.sandboxLoadedAfterActivation = api.testing.isSandboxLoaded();
    result.sandboxInRequireCache = Object.keys(require.cache).includes(path.join(ext.extensionPath, 'dist', 'sandbox.js'));
    const dist = path.join(ext.extensionPath, 'dist') + path.sep;
    result.distInRequireCache = Object.keys(require.cache).filter((k) => k.startsWith(dist)).map((k) => path.basename(k)).sort();
    result.bundleInRequireCache = Object.keys(require.cache).includes(path.join(ext.extensionPath, 'dist', 'extension.js'));
    result.lazyPartsAfterActivation = api.testing.lazyParts();
    // The first command loads the command bodies (dist/commands.js): its latency as a caller sees it,
    // then the same command again, so the difference is what the lazy load costs.
    let t1 = performance.now();
    await vscode.commands.executeCommand('veriff.showLog');
    result.firstCommandMs = performance.now() - t1;
    result.commandsLoadMs = api.testing.lazyParts().commandsLoadMs;
    t1 = performance.now();
    await vscode.commands.executeCommand('veriff.showLog');
    result.secondCommandMs = performance.now() - t1;
    result.tree = await treeBench(vscode, api.testing.services);
  } catch (err) {
    result.error = err && err.stack ? err.stack : String(err);
  }
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
  if (result.error) throw new Error(result.error);
};
