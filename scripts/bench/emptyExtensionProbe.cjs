'use strict';
// The calibration for "ext.activate() as a caller sees it" (see scripts/bench.cjs): loaded as
// `--extensionTestsPath` next to an extension whose activate() returns at once, it times the same
// call at the same moment of the host's start-up as hostProbe.cjs does for this extension. What
// that takes is the runtime's part (VS Code's activation work and the other extensions starting
// beside it), which no extension can go below.
const fs = require('node:fs');

exports.EXTENSION_ID = 'veriff-bench.empty-extension';

/** The empty extension's files, written by the bench into a temporary folder. */
exports.files = {
  'package.json': JSON.stringify({
    name: 'empty-extension',
    publisher: 'veriff-bench',
    version: '0.0.1',
    engines: { vscode: '^1.99.0' },
    main: './extension.js',
    activationEvents: ['onStartupFinished'],
    extensionKind: ['workspace'],
  }),
  'extension.js': "exports.activate = function activate() { return { version: 1 }; };\n",
};

exports.run = async function run() {
  const vscode = require('vscode');
  const result = {};
  try {
    const ext = vscode.extensions.getExtension(exports.EXTENSION_ID);
    if (!ext) throw new Error(`${exports.EXTENSION_ID} is not loaded`);
    result.wasActiveBefore = ext.isActive;
    const t = performance.now();
    const api = await ext.activate();
    result.activateCallMs = performance.now() - t;
    if (!api || api.version !== 1) throw new Error('the empty extension did not activate');
  } catch (err) {
    result.error = err && err.stack ? err.stack : String(err);
  }
  fs.writeFileSync(process.env.VERIFF_BENCH_OUT, JSON.stringify(result));
  if (result.error) throw new Error(result.error);
};
