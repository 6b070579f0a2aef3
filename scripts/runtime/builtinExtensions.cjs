'use strict';
// The built-in extensions the test workbenches load: all of code-server's but those that have nothing
// to do with this extension and cost CPU at every start (git and GitHub activate on '*', the JSON and
// TypeScript language servers start with a settings file, Copilot, the JavaScript debugger, ...).
// Measured on 2 cores: the UI layer took 147 core-seconds instead of 184, the integration layer 98
// instead of 113. The folder holds links to the installed ones, so the runtime stays as installed.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { CODE_SERVER_VERSION, cacheDir, codeServerDir } = require('./paths.cjs');

const NOT_LOADED = [
  'configuration-editing', 'copilot', 'css-language-features', 'debug-auto-launch', 'debug-server-ready', 'emmet',
  'extension-editing', 'git', 'git-base', 'github', 'github-authentication', 'html-language-features', 'ipynb',
  'json-language-features', 'merge-conflict', 'microsoft-authentication', 'ms-vscode.js-debug',
  'ms-vscode.js-debug-companion', 'ms-vscode.vscode-js-profile-table', 'npm', 'php-language-features',
  'references-view', 'simple-browser', 'terminal-suggest', 'tunnel-forwarding', 'typescript-language-features',
];

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
    if (!NOT_LOADED.includes(name)) fs.symlinkSync(path.join(source, name), path.join(building, name));
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
