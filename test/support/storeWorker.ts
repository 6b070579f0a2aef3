// A child process working on the real shared store, for the cross-process tests in
// test/unit/sharedStore*.test.ts. usage: node storeWorker.js '<json WorkerConfig>'
// It prints one JSON line (its report) when done; modes that hold something print "ready" and wait
// to be killed.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { SharedStore } from '../../src/core/store/sharedStore';
import type { SessionStatus } from '../../src/core/status';
import { scaledClock, type ScaledClockConfig } from './scaledClock';


export type WorkerConfig =
  | { mode: 'stress'; dir: string; worker: number; ops: number; clock: ScaledClockConfig; budgetKey: string; integrationId: string; seed: number }
  | { mode: 'reserve'; dir: string; attempts: number; fixedNow: number; budgetKey: string }
  | { mode: 'holdLock'; file: string; staleMs: number }
  | { mode: 'holdLease'; dir: string; holder: string; ttlMs: number };

export interface StressReport {
  worker: number;
  tracked: string[];
  untracked: string[];
  /** Last status recorded per id still tracked by this worker. */
  lastStatus: Record<string, SessionStatus>;
  granted: Array<{ spendId: string; at: number }>;
  givenBack: string[];
  refused: number;
  staleMerges: number;
  /** Times the sessions or budget file did not parse right after an operation. */
  parseFailures: number;
  opsDone: number;
  ms: number;
}

export interface ReserveReport {
  granted: string[];
  refused: number;
}

const STATUSES: SessionStatus[] = ['created', 'started', 'submitted', 'approved', 'declined'];

/** Deterministic pseudo-random numbers (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


function parses(file: string): boolean {
  try {
    JSON.parse(fs.readFileSync(file, 'utf8'));
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

async function stress(config: Extract<WorkerConfig, { mode: 'stress' }>): Promise<StressReport> {
  const started = Date.now();
  const clock = scaledClock(config.clock);
  const store = new SharedStore(config.dir, { clock });
  const rand = random(config.seed);
  const key = config.budgetKey;
  const integrationId = config.integrationId;
  const report: StressReport = {
    worker: config.worker,
    tracked: [],
    untracked: [],
    lastStatus: {},
    granted: [],
    givenBack: [],
    refused: 0,
    staleMerges: 0,
    parseFailures: 0,
    opsDone: 0,
    ms: 0,
  };
  const live: string[] = [];
  let staleCopy: unknown;
  const sessionsFile = path.join(config.dir, 'sessions.json');
  const budgetFile = path.join(config.dir, `budget-${key}.json`);
  for (let i = 0; i < config.ops; i++) {
    const r = rand();
    if (r < 0.35 || live.length === 0) {
      const id = randomUUID();
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId, items: [id], options: { source: 'typed', label: `worker ${config.worker}` } }]);
      live.push(id);
      report.tracked.push(id);
    } else if (r < 0.5) {
      const [id] = live.splice(Math.floor(rand() * live.length), 1);
      await store.updateSessions([{ kind: 'remove', at: clock.now(), integrationId, ids: [id] }]);
      report.untracked.push(id);
      delete report.lastStatus[id];
    } else if (r < 0.72) {
      const id = live[Math.floor(rand() * live.length)];
      const status = STATUSES[Math.floor(rand() * STATUSES.length)];
      const at = clock.now();
      await store.updateSessions([{ kind: 'statuses', at, integrationId, updates: [{ id, status, fetchedAt: at }] }]);
      report.lastStatus[id] = status;
    } else if (r < 0.95) {
      const reservation = await store.reserveDelete(key);
      if (reservation.ok) {
        if (rand() < 0.15) {
          // The request "never left": the slot goes back.
          if (!(await store.giveBack(key, reservation.spendId))) {
            throw new Error(`giveBack of ${reservation.spendId} found no spend`);
          }
          report.givenBack.push(reservation.spendId);
        } else {
          report.granted.push({ spendId: reservation.spendId, at: reservation.at });
        }
      } else {
        report.refused++;
      }
    } else {
      // An old copy of the whole list (another window's, an earlier version's) merged in again.
      if (staleCopy !== undefined) {
        await store.mergeSessionsCopy(staleCopy);
        report.staleMerges++;
      }
      staleCopy = store.readSessions().toJSON();
    }
    if (!parses(sessionsFile) || !parses(budgetFile)) {
      report.parseFailures++;
    }
    report.opsDone++;
  }
  report.ms = Date.now() - started;
  return report;
}

async function reserve(config: Extract<WorkerConfig, { mode: 'reserve' }>): Promise<ReserveReport> {
  const store = new SharedStore(config.dir, { clock: { now: () => config.fixedNow } });
  const report: ReserveReport = { granted: [], refused: 0 };
  for (let i = 0; i < config.attempts; i++) {
    const r = await store.reserveDelete(config.budgetKey);
    if (r.ok) {
      report.granted.push(r.spendId);
    } else {
      report.refused++;
    }
  }
  return report;
}

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]) as WorkerConfig;
  switch (config.mode) {
    case 'stress':
      process.stdout.write(`${JSON.stringify(await stress(config))}\n`);
      return;
    case 'reserve':
      process.stdout.write(`${JSON.stringify(await reserve(config))}\n`);
      return;
    case 'holdLock':
      await lockfile.lock(config.file, { stale: config.staleMs, realpath: false });
      process.stdout.write('ready\n');
      setInterval(() => undefined, 1000);
      return;
    case 'holdLease': {
      const store = new SharedStore(config.dir);
      const result = await store.acquireLease({ holder: config.holder, ttlMs: config.ttlMs });
      process.stdout.write(result.held ? 'ready\n' : 'refused\n');
      setInterval(() => undefined, 1000);
      return;
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
