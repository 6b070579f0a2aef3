'use strict';
// Runs mocha on one test file or on every *.test.js under a folder and writes {passed, failed,
// pending} to a JSON file, so scripts/test.cjs can print one summary for all layers.
// usage: node scripts/runMocha.cjs <results.json> <folder or file> [timeoutMs]
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [dir];
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
    .sort();
}

const [resultsFile, folder, timeout] = process.argv.slice(2);
const mocha = new Mocha({ reporter: 'spec', timeout: Number(timeout ?? 10000), color: false });
if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);
for (const file of testFiles(folder)) mocha.addFile(path.resolve(file));
const runner = mocha.run((failures) => {
  const stats = { passed: runner.stats.passes, failed: runner.stats.failures, pending: runner.stats.pending };
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify(stats));
  process.exitCode = failures ? 1 : 0;
  // Leftover handles must not keep a finished run alive (tests close their servers; this is a backstop).
  setTimeout(() => process.exit(process.exitCode), 2000).unref();
});
