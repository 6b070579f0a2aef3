// The README's pictures are regenerated on demand (`npm run screenshots`), never by `npm test`.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { README_IMAGES_ENV, readmeImageDir, readmeImageTarget, repoRoot, screenshotScale } from '../support/readmeImages';

function readmeImages(): string[] {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  return [...new Set([...readme.matchAll(/\]\(docs\/images\/([\w.-]+)\.png\)/g)].map((m) => m[1]))].sort();
}

/** Names of the screenshots the UI tests mark as README pictures (`readme: true` right after the name). */
function readmeScreenshotsTaken(): string[] {
  const dir = path.join(repoRoot, 'test', 'ui');
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const mark of source.matchAll(/readme: true/g)) {
      const before = source.slice(Math.max(0, mark.index - 200), mark.index);
      const name = [...before.matchAll(/(?:screenshot\(\w+, |screenshot: )'([\w-]+)'/g)].pop();
      assert.ok(name, `${file}: a README picture without a literal name before: ${before.slice(-80)}`);
      names.add(name[1]);
    }
  }
  return [...names].sort();
}

describe('README pictures', () => {
  it('are written to docs/images only when the screenshots script asks for them', () => {
    assert.equal(readmeImageTarget('tree', {}), undefined, 'npm test: screenshots stay in test-results/');
    assert.equal(readmeImageTarget('tree', { [README_IMAGES_ENV]: '0' }), undefined);
    assert.equal(readmeImageTarget('tree', { [README_IMAGES_ENV]: '1' }), path.join(readmeImageDir, 'tree.png'));
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    assert.equal(pkg.scripts.screenshots, 'node scripts/screenshots.cjs');
    assert.match(fs.readFileSync(path.join(repoRoot, 'scripts', 'screenshots.cjs'), 'utf8'), new RegExp(`${README_IMAGES_ENV}: '1'`));
  });

  it('are drawn at full resolution; test runs draw the workbench at half, with the same layout', () => {
    assert.equal(screenshotScale({ [README_IMAGES_ENV]: '1' }), 1);
    assert.equal(screenshotScale({}), 0.5);
    assert.equal(screenshotScale({ [README_IMAGES_ENV]: '0' }), 0.5);
  });

  it('are exactly the ones the UI tests take, and each is committed', () => {
    const shown = readmeImages();
    assert.ok(shown.length >= 5, `the README shows ${shown.join(', ')}`);
    assert.deepEqual(readmeScreenshotsTaken(), shown, 'every README picture is taken by a UI test marked readme: true, and no other');
    for (const name of shown) {
      assert.ok(fs.statSync(path.join(readmeImageDir, `${name}.png`)).size > 1000, `docs/images/${name}.png`);
    }
    const committed = fs.readdirSync(readmeImageDir).filter((f) => f.endsWith('.png')).map((f) => f.replace(/\.png$/, '')).sort();
    assert.deepEqual(committed, shown, 'no picture in docs/images that the README does not show');
  });
});
