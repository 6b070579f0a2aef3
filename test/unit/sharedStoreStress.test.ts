import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DAY_MS, HOUR_MS } from '../../src/core/budget';
import { SharedStore } from '../../src/core/store/sharedStore';
import { runWorker } from '../support/storeChildren';
import { scaledClock } from '../support/scaledClock';
import type { StressReport } from '../support/storeWorker';

const WORKERS = 3;
const OPS = 1000;
const KEY = 'f00dfeedcafe0001';
const INTEGRATION = 'integration-stress';
/** Store time runs 20,000 × real time: an hour is 180 ms, a day 4.3 s, so a run of ~10 s spans days. */
const SPEED = 20_000;

/** Most spends in any window of `windowMs` ending at a spend. */
function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end] - sorted[start] >= windowMs) {
      start++;
    }
    max = Math.max(max, end - start + 1);
  }
  return max;
}

describe('shared store under 3 processes at once (stress)', function () {
  this.timeout(120_000);
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-store-stress-'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${WORKERS} processes × ${OPS} track/untrack/status/spend operations: files always parse, nothing lost, removed stays removed, the budget holds`, async () => {
    const clock = { startAt: Date.UTC(2026, 0, 1, 9), speed: SPEED, monotonicStart: process.hrtime.bigint().toString() };
    const sessionsFile = path.join(dir, 'sessions.json');
    const budgetFile = path.join(dir, `budget-${KEY}.json`);
    // A reader process of its own (this one) parses both files as often as it can meanwhile.
    let reads = 0;
    let readFailures = 0;
    const reader = setInterval(() => {
      for (const file of [sessionsFile, budgetFile]) {
        try {
          JSON.parse(fs.readFileSync(file, 'utf8'));
          reads++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
            readFailures++;
          }
        }
      }
    }, 25);
    const started = Date.now();
    let reports: StressReport[];
    try {
      reports = await Promise.all(
        Array.from({ length: WORKERS }, (_, worker) =>
          runWorker<StressReport>({ mode: 'stress', dir, worker, ops: OPS, clock, budgetKey: KEY, integrationId: INTEGRATION, seed: 1000 + worker }),
        ),
      );
    } finally {
      clearInterval(reader);
    }
    const elapsed = Date.now() - started;
    const endAt = scaledClock(clock).now();

    assert.equal(reports.reduce((n, r) => n + r.opsDone, 0), WORKERS * OPS);
    assert.equal(reports.reduce((n, r) => n + r.parseFailures, 0), 0, 'each worker parsed both files after every operation');
    assert.equal(readFailures, 0, `the reader parsed the files ${reads} times`);
    assert.ok(reads > 100, `the reader read while the workers wrote (${reads})`);

    const store = new SharedStore(dir, { clock: { now: () => endAt } });
    const doc = store.readSessions();
    const inFile = new Set(doc.store.list(INTEGRATION).map((s) => s.id));
    const untracked = reports.flatMap((r) => r.untracked);
    const expected = new Set(reports.flatMap((r) => r.tracked).filter((id) => !untracked.includes(id)));
    const lost = [...expected].filter((id) => !inFile.has(id));
    const resurrected = untracked.filter((id) => inFile.has(id));
    assert.equal(lost.length, 0, `sessions lost: ${lost.length} of ${expected.size}`);
    assert.equal(resurrected.length, 0, `removed sessions back: ${resurrected.length} of ${untracked.length}`);
    assert.equal(inFile.size, expected.size, 'nothing else is tracked');
    assert.ok(untracked.length > 100 && reports.every((r) => r.staleMerges > 10), 'removals and stale-copy merges happened');
    const removed = new Set(doc.tombstones().map((t) => t.id));
    assert.ok(untracked.every((id) => removed.has(id)), 'every removal left a tombstone');
    for (const r of reports) {
      for (const [id, status] of Object.entries(r.lastStatus)) {
        assert.equal(doc.store.get(INTEGRATION, id)?.status, status, `the last status recorded for ${id} wins`);
      }
    }

    const kept = reports.flatMap((r) => r.granted);
    const givenBack = reports.flatMap((r) => r.givenBack);
    const times = kept.map((g) => g.at);
    assert.ok(maxInWindow(times, HOUR_MS) <= 5, `at most 5 spends in any hour (got ${maxInWindow(times, HOUR_MS)})`);
    assert.ok(maxInWindow(times, DAY_MS) <= 10, `at most 10 spends in any 24 hours (got ${maxInWindow(times, DAY_MS)})`);
    const spanDays = (endAt - clock.startAt) / DAY_MS;
    assert.ok(kept.length >= 10 && maxInWindow(times, DAY_MS) === 10, `the limits were reached: ${kept.length} spends over ${spanDays.toFixed(1)} days`);
    assert.ok(givenBack.length > 0, 'some slots were given back');
    const ledger = store.readBudget(KEY).toJSON().integrations[KEY]?.spends ?? [];
    const inLedger = new Set(ledger.map((s) => s.id));
    const recent = kept.filter((g) => g.at > endAt - DAY_MS);
    assert.deepEqual(
      recent.filter((g) => !inLedger.has(g.spendId)),
      [],
      'the ledger holds every spend granted in the last 24 hours (older ones left the window)',
    );
    assert.ok(givenBack.every((id) => !inLedger.has(id)), 'given-back spends are gone');
    assert.ok(ledger.every((s) => kept.some((g) => g.spendId === s.id)), 'the ledger holds only granted spends');
    console.log(
      `      ${WORKERS}×${OPS} ops in ${elapsed} ms; ${expected.size} tracked, ${untracked.length} removed, ` +
        `${kept.length} spends kept (${givenBack.length} given back, ${reports.reduce((n, r) => n + r.refused, 0)} refused) over ${spanDays.toFixed(1)} days; ${reads} reads`,
    );
  });
});
