import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOUR_MS } from '../../src/core/budget';
import { ManualClock, type Clock } from '../../src/core/clock';
import { SessionStore } from '../../src/core/store/sessionStore';
import { JsonDocumentFile, removeStaleTemporaries, signatureOf, type Recovery } from '../../src/core/store/jsonFile';
import { importLegacy } from '../../src/core/store/legacyImport';
import { withLock } from '../../src/core/store/lock';
import { LockTimeoutError } from '../../src/core/store/storeWrites';
import { SharedStore, type StoreChange, type StoreRecovery } from '../../src/core/store/sharedStore';
import { TOMBSTONE_TTL_MS } from '../../src/core/store/sessionsDocument';
import { runWorker, startHolder } from '../support/storeChildren';
import type { ReserveReport } from '../support/storeWorker';

const KEY = '0123456789abcdef';
const INT = 'integration-a';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-store-'));
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('shared store', function () {
  this.timeout(20_000);
  let dir: string;
  let clock: ManualClock;
  let recoveries: StoreRecovery[];
  let warnings: string[];
  const open = (extra: Partial<ConstructorParameters<typeof SharedStore>[1]> = {}) =>
    new SharedStore(dir, { clock, onRecovered: (r) => recoveries.push(r), onWarning: (m) => warnings.push(m), ...extra });

  beforeEach(() => {
    dir = tempDir();
    clock = new ManualClock();
    recoveries = [];
    warnings = [];
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('files', () => {
    it('writes atomically with a last-good copy, and skips a write that changes nothing', async () => {
      const store = open();
      const id = randomUUID();
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [id], options: { source: 'typed', label: 'L' } }]);
      const file = path.join(dir, 'sessions.json');
      const text = fs.readFileSync(file, 'utf8');
      assert.equal(fs.readFileSync(`${file}.bak`, 'utf8'), text, 'the backup holds the same text');
      assert.deepEqual(JSON.parse(text).integrations[0].sessions.map((s: { id: string }) => s.id), [id]);
      const before = signatureOf(file);
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [id], options: { source: 'typed' } }]);
      assert.equal(signatureOf(file), before, 'an add of a tracked id writes nothing');
      assert.deepEqual(
        fs.readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock')),
        [],
        'no temporary file or lock is left',
      );
    });

    it('reads a damaged file from its last-good copy, says so, and keeps the damaged file when it next writes', async () => {
      const store = open();
      const [a, b] = [randomUUID(), randomUUID()];
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [a, b], options: { source: 'typed' } }]);
      const file = path.join(dir, 'sessions.json');
      fs.writeFileSync(file, '{"version":1,"integrations":[{"integ');
      assert.deepEqual(store.readSessions().store.list(INT).map((s) => s.id).sort(), [a, b].sort(), 'nothing lost');
      assert.equal(recoveries.length, 1);
      assert.equal(recoveries[0].kind, 'sessions');
      assert.equal(recoveries[0].from, 'backup');
      assert.match(recoveries[0].reason, /not valid JSON/);
      store.readSessions();
      assert.equal(recoveries.length, 1, 'told once per damaged version');
      const c = randomUUID();
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [c], options: { source: 'typed' } }]);
      assert.equal(recoveries.length, 2);
      const keptAs = recoveries[1].keptAs!;
      assert.ok(keptAs.includes('sessions.json.corrupt-'), keptAs);
      assert.equal(fs.readFileSync(keptAs, 'utf8'), '{"version":1,"integrations":[{"integ', 'the damaged file is kept unchanged');
      assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).integrations[0].sessions.length, 3, 'recovered + the new one');
    });

    it('starts empty only when no copy is usable, and says so', async () => {
      fs.writeFileSync(path.join(dir, 'queue.json'), 'garbage');
      fs.writeFileSync(path.join(dir, 'queue.json.bak'), '{"version":2}');
      const store = open();
      assert.equal(store.readQueue().size, 0);
      assert.deepEqual(
        recoveries.map((r) => [r.kind, r.from]),
        [['queue', 'nothing']],
      );
    });

    it('recovers a budget file (a damaged ledger never loses its spends)', async () => {
      const store = open();
      for (let i = 0; i < 3; i++) {
        assert.equal((await store.reserveDelete(KEY)).ok, true);
      }
      fs.writeFileSync(path.join(dir, `budget-${KEY}.json`), '');
      assert.equal(store.readBudget(KEY).remaining(KEY).hour, 2, 'the 3 spends are still counted');
      assert.equal((await store.reserveDelete(KEY)).ok, true);
      assert.equal(store.readBudget(KEY).remaining(KEY).hour, 1);
      assert.deepEqual(recoveries.map((r) => [r.kind, r.from, r.keptAs !== undefined]), [
        ['budget', 'backup', false],
        ['budget', 'backup', true],
      ]);
    });

    it('removes temporary files of writers that died between write and rename', () => {
      const stale = path.join(dir, 'sessions.json.4242.0123456789ab.tmp');
      const fresh = path.join(dir, 'sessions.json.4243.0123456789ab.tmp');
      fs.writeFileSync(stale, 'x');
      fs.writeFileSync(fresh, 'x');
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(stale, old, old);
      assert.equal(removeStaleTemporaries(dir), 1);
      assert.deepEqual(fs.readdirSync(dir), [path.basename(fresh)]);
    });

    it('re-reads and re-applies when the file changed under its lock', async () => {
      const target = path.join(dir, 'doc.json');
      const reports: Recovery[] = [];
      const file = new JsonDocumentFile<{ n: number }>(
        dir,
        'doc.json',
        { decode: (j) => j as { n: number }, encode: (d) => d, empty: () => ({ n: 0 }) },
        { onRecovered: (r) => reports.push(r) },
      );
      let calls = 0;
      const result = await file.update((doc) => {
        calls++;
        if (calls === 1) {
          // Another writer that ignored the lock (e.g. one that took it over as stale) wrote meanwhile.
          fs.writeFileSync(target, JSON.stringify({ n: 10 }));
        }
        return { next: { n: doc.n + 1 }, result: doc.n };
      });
      assert.equal(calls, 2);
      assert.equal(result, 10);
      assert.deepEqual(JSON.parse(fs.readFileSync(target, 'utf8')), { n: 11 }, 'the other write is kept');
      assert.deepEqual(reports, []);
    });
    it('does not replace a version another writer renamed in while this one was writing its temporary file', async () => {
      // A busy disk can stall a write for seconds, long enough for the lock to look stale to another
      // window: that window takes it over and writes while this one is still writing.
      const target = path.join(dir, 'doc.json');
      const file = new JsonDocumentFile<{ spends: string[] }>(dir, 'doc.json', { decode: (j) => j as { spends: string[] }, encode: (d) => d, empty: () => ({ spends: [] }) });
      await file.update((doc) => ({ next: { spends: [...doc.spends, 'a'] }, result: undefined }));
      const realWrite = fs.writeFileSync;
      let stalledWrites = 0;
      const patched = ((p: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, options?: fs.WriteFileOptions) => {
        if (typeof p === 'string' && p.startsWith(`${target}.`) && p.endsWith('.tmp') && stalledWrites++ === 0) {
          const other = `${target}.other.tmp`;
          realWrite(other, JSON.stringify({ spends: ['a', 'theirs'] }));
          fs.renameSync(other, target);
        }
        realWrite(p, data, options);
      }) as typeof fs.writeFileSync;
      // The module object itself (what jsonFile.ts calls through), not this file's import of it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const nodeFs = require('node:fs') as { writeFileSync: typeof fs.writeFileSync };
      nodeFs.writeFileSync = patched;
      try {
        await file.update((doc) => ({ next: { spends: [...doc.spends, 'mine'] }, result: undefined }));
      } finally {
        nodeFs.writeFileSync = realWrite;
      }
      assert.deepEqual(JSON.parse(fs.readFileSync(target, 'utf8')), { spends: ['a', 'theirs', 'mine'] }, 'both spends are kept');
      assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file is left');
    });
  });

  describe('lock', () => {
    it('takes over the lock of a writer that died holding it, once the lock is stale', async () => {
      const target = path.join(dir, 'sessions.json');
      const holder = await startHolder({ mode: 'holdLock', file: target, staleMs: 2000 });
      const options = { staleMs: 2000, timeoutMs: 300 };
      await assert.rejects(withLock(target, () => 1, options), LockTimeoutError, 'held by a living process');
      await holder.kill();
      const started = Date.now();
      assert.equal(await withLock(target, () => 'mine', { staleMs: 2000 }), 'mine');
      const waited = Date.now() - started;
      assert.ok(waited < 4000, `taken over after ${waited} ms`);
      assert.equal(fs.existsSync(`${target}.lock`), false, 'and released');
    });

    it('runs one process-local writer at a time per file', async () => {
      const target = path.join(dir, 'x.json');
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 20 }, () =>
          withLock(target, () => {
            inside++;
            most = Math.max(most, inside);
            inside--;
          }),
        ),
      );
      assert.equal(most, 1);
    });
  });

  describe('sessions', () => {
    it('applies operations by id and keeps a tombstone per removal', async () => {
      const store = open();
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [a, b, c], options: { source: 'typed', label: 'run' } }]);
      clock.advance(1000);
      const doc = await store.updateSessions([
        { kind: 'remove', at: clock.now(), integrationId: INT, ids: [b] },
        { kind: 'statuses', at: clock.now(), integrationId: INT, updates: [{ id: a, status: 'approved', fetchedAt: clock.now() }] },
        { kind: 'setError', at: clock.now(), integrationId: INT, id: c, error: { message: 'boom', code: 1306 }, errorAt: clock.now() },
      ]);
      assert.deepEqual(doc.store.list(INT).map((s) => s.id), [a, c]);
      assert.equal(doc.store.get(INT, a)?.status, 'approved');
      assert.equal(doc.store.get(INT, c)?.lastError?.code, 1306);
      assert.deepEqual(doc.tombstones(), [{ integrationId: INT, id: b, at: clock.now() }]);
      // A stale status for a removed session does not bring it back.
      await store.updateSessions([{ kind: 'statuses', at: clock.now(), integrationId: INT, updates: [{ id: b, status: 'declined' }] }]);
      assert.equal(store.readSessions().store.has(INT, b), false);
    });

    it('merges an older copy without bringing back what was removed after it, and takes its newer fields', async () => {
      const store = open();
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const old = new SessionStore({ clock });
      old.add(INT, [a, b, c], { source: 'file', label: 'old run' });
      old.updateStatus(INT, c, 'submitted', clock.now() + 50);
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [a, b], options: { source: 'file', label: 'old run' } }]);
      clock.advance(100);
      await store.updateSessions([{ kind: 'remove', at: clock.now(), integrationId: INT, ids: [b] }]);
      const merged = await store.mergeSessionsCopy(old.toJSON());
      assert.deepEqual(merged, { added: 1, keptRemoved: 1 });
      const doc = store.readSessions();
      assert.deepEqual(doc.store.list(INT).map((s) => s.id).sort(), [a, c].sort());
      assert.equal(doc.store.get(INT, c)?.status, 'submitted');
      assert.equal(doc.store.get(INT, c)?.label, 'old run');
      // Tracking it again by hand after the removal does track it.
      clock.advance(100);
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [b], options: { source: 'typed' } }]);
      assert.equal(store.readSessions().store.has(INT, b), true);
      assert.equal(store.readSessions().tombstones().length, 0, 'the tombstone went with the new add');
    });

    it('writes synchronously at shutdown, and refuses while this process is itself writing the file', async () => {
      const store = open();
      const [a, b] = [randomUUID(), randomUUID()];
      const doc = store.updateSessionsSync([{ kind: 'add', at: clock.now(), integrationId: INT, items: [a], options: { source: 'typed' } }]);
      assert.ok(doc?.store.has(INT, a));
      assert.ok(open().readSessions().store.has(INT, a), 'on disk at once');
      const busy = store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [b], options: { source: 'typed' } }]);
      assert.equal(store.updateSessionsSync([]), undefined, 'no deadlock on its own lock');
      await busy;
      assert.ok(store.readSessions().store.has(INT, b));
    });

    it('lets tombstones expire after their time', async () => {
      const store = open();
      const a = randomUUID();
      await store.updateSessions([{ kind: 'remove', at: clock.now(), integrationId: INT, ids: [a] }]);
      assert.equal(store.readSessions().tombstones().length, 1);
      clock.advance(TOMBSTONE_TTL_MS + 1);
      await store.updateSessions([{ kind: 'add', at: clock.now(), integrationId: 'other', items: [randomUUID()], options: { source: 'typed' } }]);
      assert.equal(store.readSessions().tombstones().length, 0);
    });

    it('reads the sessions.json of earlier versions as it is', async () => {
      const old = new SessionStore({ clock });
      const a = randomUUID();
      old.add(INT, [a], { source: 'trackingFile', label: 'suite' });
      fs.writeFileSync(path.join(dir, 'sessions.json'), JSON.stringify(old.toJSON()));
      const store = open();
      assert.equal(store.readSessions().store.get(INT, a)?.label, 'suite');
      assert.deepEqual(recoveries, []);
    });
  });

  describe('budget', () => {
    it('reserves at most the free slots when two windows of one process reserve at once', async () => {
      const [w1, w2] = [open(), open()];
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? w1 : w2).reserveDelete(KEY)));
      const granted = results.filter((r) => r.ok);
      assert.equal(granted.length, 5);
      assert.equal(new Set(granted.map((r) => (r.ok ? r.spendId : ''))).size, 5);
      const refused = results.find((r) => !r.ok);
      assert.ok(refused && !refused.ok);
      assert.equal(refused.nextFreeAt, clock.now() + HOUR_MS);
      assert.equal(refused.remaining.available, 0);
      assert.equal(w1.readBudget(KEY).remaining(KEY).hour, 0);
    });

    it('reserves at most the free slots when 3 processes reserve at once', async () => {
      const reports = await Promise.all(
        Array.from({ length: 3 }, () => runWorker<ReserveReport>({ mode: 'reserve', dir, attempts: 6, fixedNow: clock.now(), budgetKey: KEY })),
      );
      const granted = reports.flatMap((r) => r.granted);
      assert.equal(granted.length, 5, `granted per process: ${reports.map((r) => r.granted.length).join(', ')}`);
      assert.equal(reports.reduce((n, r) => n + r.refused, 0), 13);
      const ledger = open().readBudget(KEY).toJSON().integrations[KEY].spends.map((s) => s.id);
      assert.deepEqual(ledger.sort(), granted.sort(), 'the ledger holds exactly the granted spends');
    });

    it('gives a slot back for a request that never left', async () => {
      const store = open();
      const spends = [];
      for (let i = 0; i < 5; i++) {
        spends.push(await store.reserveDelete(KEY));
      }
      assert.equal((await store.reserveDelete(KEY)).ok, false);
      const last = spends[4];
      assert.ok(last.ok);
      assert.equal(await store.giveBack(KEY, last.spendId), true);
      assert.equal(await store.giveBack(KEY, last.spendId), false, 'only once');
      assert.equal(await store.giveBack(KEY, 'no-such-spend'), false);
      assert.equal((await store.reserveDelete(KEY)).ok, true);
    });

    it('records a 429 block and an answer through the lock, for every window', async () => {
      const [w1, w2] = [open(), open()];
      const until = await w1.recordRateLimited(KEY, 120_000);
      assert.equal(until, clock.now() + 120_000);
      const refused = await w2.reserveDelete(KEY);
      assert.equal(refused.ok, false);
      assert.ok(!refused.ok && refused.nextFreeAt === until && refused.remaining.blockedUntil === until);
      clock.advance(120_001);
      assert.equal((await w2.reserveDelete(KEY)).ok, true);
      await w2.recordRateLimited(KEY);
      assert.equal(w1.readBudget(KEY).toJSON().integrations[KEY].rateLimitStreak, 2);
      await w1.recordAnswered(KEY);
      assert.equal(w2.readBudget(KEY).toJSON().integrations[KEY].rateLimitStreak, undefined, 'the streak starts again');
    });

    it('follows a clock getter: after the owner swaps the clock, spends and windows are on the new one', async () => {
      // Wall clocks only: ManualClock's monotonic time would date both spends alike.
      const earlier: Clock = { now: () => clock.now() };
      const later: Clock = { now: () => clock.now() + 10 * HOUR_MS };
      let current = earlier;
      const store = open({ clock: () => current });
      const first = await store.reserveDelete(KEY);
      assert.ok(first.ok);
      assert.equal(first.at, earlier.now());
      current = later;
      const second = await store.reserveDelete(KEY);
      assert.ok(second.ok);
      assert.equal(second.at, later.now(), 'the spend is dated by the clock the getter gives now');
      assert.equal(store.readBudget(KEY).remaining(KEY).hour, 4, 'the first spend is out of the hour on the new clock');
      current = earlier;
      assert.equal(store.readBudget(KEY).remaining(KEY).hour, 3, 'and back on the first clock both count');
    });

    it('keeps one file per API-key fingerprint and lists the keys', async () => {
      const store = open();
      await store.reserveDelete('aaaa000011112222');
      await store.reserveDelete('bbbb000011112222');
      await store.reserveDelete('not/a safe key');
      assert.deepEqual(store.budgetKeys().sort(), ['aaaa000011112222', 'bbbb000011112222', 'not/a safe key']);
      assert.equal(fs.readdirSync(dir).filter((n) => /^budget[-.].*\.json$/.test(n)).length, 3);
      assert.equal(store.readBudget('aaaa000011112222').remaining('aaaa000011112222').hour, 4);
      assert.equal(store.readBudget('aaaa000011112222').remaining('bbbb000011112222').hour, 5, 'a file holds one key');
    });
  });

  describe('queue and lease', () => {
    it('enqueues, updates and removes by id, and an older copy does not queue a removed item again', async () => {
      const [w1, w2] = [open(), open()];
      const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
      const oldCopy = { version: 1, items: [a, b, c].map((id) => ({ id, integrationKey: KEY, enqueuedAt: clock.now(), attempts: 0 })) };
      clock.advance(10);
      assert.equal(await w1.enqueue([{ id: a, integrationKey: KEY }, { id: b, integrationKey: KEY }]), 2);
      assert.equal(await w2.enqueue([{ id: b, integrationKey: KEY }]), 0, 'merged by id');
      assert.equal(await w2.updateQueued(a, { attempts: 1, sentAt: clock.now() }), true);
      clock.advance(10);
      assert.equal(await w1.dequeue([b]), 1);
      const report = await importLegacy(w2, { queue: oldCopy });
      assert.equal(report.queueAdded, 1, 'only c: a is queued already, b was removed after the copy');
      const items = w1.readQueue().items();
      assert.deepEqual(items.map((i) => i.id), [a, c]);
      assert.equal(items[0].attempts, 1);
      assert.equal(items[1].enqueuedAt, clock.now() - 20, "the copy's enqueue time is kept");
    });

    it('gives the lease to one window; another takes it over when it expires', async () => {
      const leaseClock = new ManualClock();
      const [w1, w2] = [open({ leaseClock }), open({ leaseClock })];
      const first = await w1.acquireLease({ holder: 'w1', ttlMs: 30_000 });
      assert.equal(first.held, true);
      const second = await w2.acquireLease({ holder: 'w2', ttlMs: 30_000 });
      assert.equal(second.held, false);
      assert.equal(second.lease.holder, 'w1');
      leaseClock.advance(20_000);
      assert.equal(await w1.renewLease('w1', 30_000), true);
      leaseClock.advance(20_000);
      assert.equal((await w2.acquireLease({ holder: 'w2', ttlMs: 30_000 })).held, false, 'renewed: still held');
      leaseClock.advance(30_001);
      const takeover = await w2.acquireLease({ holder: 'w2', ttlMs: 30_000 });
      assert.deepEqual(takeover.held && takeover.takenOverFrom, { holder: 'w1', why: 'expired' });
      assert.equal(await w1.renewLease('w1', 30_000), false, 'the old holder learns it lost the lease');
      assert.equal(await w1.releaseLease('w1'), false, "and cannot release another's lease");
      const forced = await w1.acquireLease({ holder: 'w1', ttlMs: 30_000, force: true });
      assert.deepEqual(forced.held && forced.takenOverFrom, { holder: 'w2', why: 'forced' });
      assert.equal(await w1.releaseLease('w1'), true);
      assert.equal(w2.readLease(), undefined);
    });

    it('hands the lease over at once when the holding process died', async () => {
      const holder = await startHolder({ mode: 'holdLease', dir, holder: 'child', ttlMs: 600_000 });
      const store = open();
      assert.equal((await store.acquireLease({ holder: 'me', ttlMs: 30_000 })).held, false, 'the living holder keeps it');
      await holder.kill();
      const result = await store.acquireLease({ holder: 'me', ttlMs: 30_000 });
      assert.deepEqual(result.held && result.takenOverFrom, { holder: 'child', why: 'holderGone' });
    });
  });

  describe('change notification', () => {
    it("tells a window of another window's writes, and its own as its own", async () => {
      const w1 = open({ pollMs: 5000 }).watch();
      const w2 = open({ pollMs: 5000 }).watch();
      const seen1: StoreChange[] = [];
      const seen2: StoreChange[] = [];
      w1.onDidChange((c) => seen1.push(c));
      w2.onDidChange((c) => seen2.push(c));
      try {
        await w1.reserveDelete(KEY);
        await w1.updateSessions([{ kind: 'add', at: clock.now(), integrationId: INT, items: [randomUUID()], options: { source: 'typed' } }]);
        await until('w2 sees both files', () => seen2.filter((c) => c.origin === 'elsewhere').length >= 2);
        assert.deepEqual(
          seen2.map((c) => [c.kind, c.origin, c.budgetKey]).sort(),
          [
            ['budget', 'elsewhere', KEY],
            ['sessions', 'elsewhere', undefined],
          ],
        );
        assert.deepEqual(seen1.map((c) => [c.kind, c.origin]), [
          ['budget', 'self'],
          ['sessions', 'self'],
        ]);
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(seen1.length, 2, 'its own writes are not reported again by the watcher');
      } finally {
        w1.dispose();
        w2.dispose();
      }
    });

    it('notices changes by polling when no event comes', async () => {
      const w2 = open({ pollMs: 100 });
      w2.watch();
      const seen: StoreChange[] = [];
      w2.onDidChange((c) => seen.push(c));
      try {
        // Written by another process, as far as w2 knows.
        await open().enqueue([{ id: randomUUID(), integrationKey: KEY }]);
        await until('the change', () => seen.some((c) => c.kind === 'queue' && c.origin === 'elsewhere'), 2000);
      } finally {
        w2.dispose();
      }
    });
  });

  describe('migration from global state', () => {
    it('merges the old budget, queue and sessions without losing a spend or a session', async () => {
      const store = open();
      const [a, b] = [randomUUID(), randomUUID()];
      const oldSessions = new SessionStore({ clock });
      oldSessions.add(INT, [a, b], { source: 'typed', label: 'before' });
      const reserved = await store.reserveDelete(KEY);
      assert.ok(reserved.ok);
      const oldBudget = {
        version: 1,
        integrations: {
          [KEY]: { spends: [{ id: 'old-1', at: clock.now() - 1000 }, { id: reserved.spendId, at: reserved.at }] },
          ['fedcba9876543210']: { spends: [{ id: 'old-2', at: clock.now() - 2000 }], blockedUntil: clock.now() + 60_000 },
        },
      };
      const report = await importLegacy(store, { sessions: oldSessions.toJSON(), budget: oldBudget, queue: { version: 1, items: [] } });
      assert.deepEqual(report, { sessionsAdded: 2, sessionsKeptRemoved: 0, spendsAdded: 2, queueAdded: 0 });
      assert.equal(store.readBudget(KEY).remaining(KEY).hour, 3, 'our spend and the old one, once each');
      const other = store.readBudget('fedcba9876543210').remaining('fedcba9876543210');
      assert.equal(other.hour, 4);
      assert.equal(other.blockedUntil, clock.now() + 60_000, 'the 429 block comes along');
      assert.equal(store.readSessions().store.size(INT), 2);
      const again = await importLegacy(store, { sessions: oldSessions.toJSON(), budget: oldBudget });
      assert.deepEqual(again, { sessionsAdded: 0, sessionsKeptRemoved: 0, spendsAdded: 0, queueAdded: 0 }, 'importing twice adds nothing');
    });
  });
});
