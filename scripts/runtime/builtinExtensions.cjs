'use strict';
// The built-in extensions the test workbenches load: all of code-server's but those that have nothing
// to do with this extension, run only in the Node extension host and cost CPU at every start (git and
// GitHub activate on '*', Copilot, the JavaScript debugger, ...). The folder holds links to the
// installed ones, so the runtime stays as installed.
//
// One with a web entry point ("browser" in its package.json) must stay: the browser side lists those
// whatever the server's folder holds, tries to activate them and fails ("Not Found"). With the JSON,
// TypeScript, Emmet, npm, merge-conflict and GitHub-authentication ones left out that way, the
// workbench logged those errors at every start and dropped an output channel's reveal in 7 of 25
// starts (0 of 15 with them in).
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { CODE_SERVER_VERSION, cacheDir, codeServerDir } = require('./paths.cjs');

const NOT_LOADED = [
  'copilot', 'debug-auto-launch', 'debug-server-ready', 'git', 'github', 'microsoft-authentication', 'ms-vscode.js-debug',
  'ms-vscode.js-debug-companion', 'php-language-features', 'terminal-suggest', 'tunnel-forwarding',
];

/** Whether an installed built-in runs in the browser too (it must then stay: see above). */
function hasWebEntry(dir) {
  const manifest = path.join(dir, 'package.json');
  return fs.existsSync(manifest) && Boolean(JSON.parse(fs.readFileSync(manifest, 'utf8')).browser);
}

/** The folder to pass as VS Code's `builtin-extensions-dir`; made once per runtime version and list. */
function builtinExtensionsDir() {
  const source = path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'extensions');
  const tag = crypto.createHash('sha1').update(NOT_LOADED.join(',')).digest('hex').slice(0, 8);
  const dir = path.join(cacheDir, `builtin-extensions-${CODE_SERVER_VERSION}-${tag}`);
  if (fs.existsSync(dir)) return dir;
  // Built beside and renamed into place: test jobs that start at once never see half a folder.
  const building = `${dir}.${process.pid}.tmp`;
  fs.rmSync(building, { recursive: true, force: true });
  fs.mkdirSync(building, { recursive: true });
  for (const name of fs.readdirSync(source)) {
    const leftOut = NOT_LOADED.includes(name) && !hasWebEntry(path.join(source, name));
    if (!leftOut) fs.symlinkSync(path.join(source, name), path.join(building, name));
  }
  try {
    fs.renameSync(building, dir);
  } catch (err) {
    fs.rmSync(building, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw err;
  }
  return dir;
}

module.exports = { NOT_LOADED, builtinExtensionsDir };
