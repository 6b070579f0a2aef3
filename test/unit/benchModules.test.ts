// `npm run bench` loads compiled modules by path (scripts/bench.cjs is plain JavaScript, outside
// tsc): a module moved or a name moved out of it would break the bench only when someone runs it.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const scripts = ['scripts/bench.cjs', ...fs.readdirSync(path.join(repoRoot, 'scripts', 'bench')).map((f) => `scripts/bench/${f}`)];

/** `const { A, B } = require(out('src', 'core', 'x.js'))` → the compiled module and the names taken from it. */
function requiredNames(text: string): Array<{ module: string; names: string[] }> {
  return [...text.matchAll(/const\s*\{([^}]*)\}\s*=\s*require\(out\(((?:\s*'[^']+'\s*,?)+)\)\)/g)].map((m) => ({
    module: [...m[2].matchAll(/'([^']+)'/g)].map((p) => p[1]).join('/'),
    names: m[1].split(',').map((n) => n.split(':')[0].trim()).filter(Boolean),
  }));
}

/** The names of `wanted` a compiled module (under out/) does not export. */
function missing({ module, names }: { module: string; names: string[] }): string[] {
  const file = path.join(repoRoot, 'out', module);
  if (!fs.existsSync(file)) return [`${module} (no such module)`];
  const exported = require(file) as Record<string, unknown>;
  return names.filter((n) => exported[n] === undefined).map((n) => `${module}: ${n}`);
}

describe('bench script', () => {
  it('takes from each compiled module only names it exports', () => {
    const required = scripts.flatMap((file) => requiredNames(fs.readFileSync(path.join(repoRoot, file), 'utf8')));
    assert.ok(required.length >= 10, `found ${required.length} requires`);
    assert.deepEqual(required.flatMap(missing), []);
  });

  it('finds a name that moved to another module (the check can fail)', () => {
    const [moved] = requiredNames("const { SessionStore, isDeletable: deletable } = require(out('src', 'core', 'sessions.js'));");
    assert.deepEqual(moved, { module: 'src/core/sessions.js', names: ['SessionStore', 'isDeletable'] });
    assert.deepEqual(missing(moved), ['src/core/sessions.js: SessionStore', 'src/core/sessions.js: isDeletable']);
  });
});

describe('bench DELETE probe', () => {
  it('times real signed DELETEs against the local Veriff server and prints them as JSON', function () {
    this.timeout(30_000);
    const probe = path.join(repoRoot, 'scripts', 'bench', 'deleteProbe.cjs');
    const result = JSON.parse(execFileSync(process.execPath, [probe, '3'], { encoding: 'utf8', timeout: 25_000 })) as Record<string, unknown>;
    assert.equal(result.node, process.version);
    assert.equal(result.runs, 3);
    assert.ok(typeof result.clientMedianMs === 'number' && result.clientMedianMs > 0, JSON.stringify(result));
    assert.ok(typeof result.clientColdMs === 'number' && result.clientColdMs > 0, JSON.stringify(result));
    assert.equal(result.curlMedianMs, undefined, 'curl runs only when asked');
  });
});
