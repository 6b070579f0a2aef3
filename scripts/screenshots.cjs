'use strict';
// `npm run screenshots`: regenerates the README's pictures (docs/images/*.png) from the real
// workbench by running the UI tests with VERIFF_README_IMAGES=1 (`npm test` never writes them),
// then checks that every picture the README shows was taken again in this run.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

/** The docs/images/*.png the README links to. */
function readmeImages() {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...new Set([...readme.matchAll(/\]\((docs\/images\/[\w.-]+\.png)\)/g)].map((m) => m[1]))];
}

function main() {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(__dirname, 'test.cjs'), 'ui'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, VERIFF_README_IMAGES: '1' },
  });
  const stale = readmeImages().filter((image) => {
    const file = path.join(repoRoot, image);
    return !fs.existsSync(file) || fs.statSync(file).mtimeMs < started;
  });
  if (stale.length > 0) {
    console.error(`[screenshots] not taken in this run: ${stale.join(', ')}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    console.error('[screenshots] the UI tests failed; the pictures above were taken, check them before committing');
    process.exit(r.status ?? 1);
  }
  console.log(`[screenshots] ${readmeImages().length} README pictures regenerated in docs/images/`);
}

main();
