import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/core/clock';
import { BudgetLedger, DAY_MS, HOUR_MS } from '../../src/core/budget';
import { DeleteQueue } from '../../src/core/deleteQueue';
import type { DeleteAttemptResult, SessionProbe } from '../../src/core/deleteAttempt';
import { QueueRunner, type QueueEvent } from '../../src/core/queueRunner';
import { enqueueTidyUp, planTidyUp, type TidyUpSession } from '../../src/core/tidyUp';
import type { SessionStatus } from '../../src/core/status';
import { FakeTimers } from '../support/fakeTimers';

const MIN = 60_000;
const KEY = 'integration-hash-1';

/**
 * Veriff's DELETE endpoint as far as the queue can tell: it counts every request it receives
 * (answered or refused) against 5 per rolling hour and 10 per rolling 24 h, per integration, and
 * answers 429 beyond that, with Retry-After if asked to.
 */
class FakeVeriff {
  readonly calls: Array<{ id: string; key: string; at: number; answer: DeleteAttemptResult['kind'] }> = [];
  readonly sessions = new Map<string, SessionStatus>();
  private readonly requests = new Map<string, number[]>();
  /** Answers to give instead of the real one, by id, used once each. */
  readonly scripted = new Map<string, DeleteAttemptResult[]>();

  constructor(private readonly clock: ManualClock, private readonly sendRetryAfter = true) {}

  add(status: SessionStatus = 'created'): string {
    const id = randomUUID();
    this.sessions.set(id, status);
    return id;
  }

  spendByOthers(key: string, at: number, count: number): void {
    this.requestsOf(key).push(...Array<number>(count).fill(at));
  }

  deleteCount(id: string): number {
    return this.calls.filter((c) => c.id === id).length;
  }

  get rateLimitedCount(): number {
    return this.calls.filter((c) => c.answer === 'rateLimited').length;
  }

  /** What happens at Veriff when a DELETE arrives. */
  receive(id: string, key: string): DeleteAttemptResult {
    const now = this.clock.now();
    const requests = this.requestsOf(key);
    const inHour = requests.filter((t) => t > now - HOUR_MS).length;
    const inDay = requests.filter((t) => t > now - DAY_MS).length;
    requests.push(now);
    let result: DeleteAttemptResult;
    const script = this.scripted.get(id)?.shift();
    if (inHour >= 5 || inDay >= 10) {
      result = this.sendRetryAfter ? { kind: 'rateLimited', retryAfterMs: this.nextFree(requests, now) - now } : { kind: 'rateLimited' };
    } else if (script) {
      result = script;
    } else {
      const status = this.sessions.get(id);
      if (status === undefined) {
        result = { kind: 'gone' };
      } else if (status === 'submitted' || status === 'review') {
        result = { kind: 'notDeletable', reason: '1305 Session is not in a completed status.' };
      } else {
        this.sessions.delete(id);
        result = { kind: 'deleted' };
      }
    }
    this.calls.push({ id, key, at: now, answer: result.kind });
    return result;
  }

  deleter = async (id: string, key: string): Promise<DeleteAttemptResult> => this.receive(id, key);

  /** GET /v1/sessions/{id}/decision: costs no delete budget. */
  probe: SessionProbe = async (id) => (this.sessions.has(id) ? 'exists' : 'gone');

  private nextFree(requests: number[], now: number): number {
    const sorted = [...requests].sort((a, b) => a - b);
    const free = (windowMs: number, limit: number): number => {
      const inWindow = sorted.filter((t) => t > now - windowMs);
      return inWindow.length < limit ? now : inWindow[inWindow.length - limit] + windowMs;
    };
    return Math.max(free(HOUR_MS, 5), free(DAY_MS, 10));
  }

  private requestsOf(key: string): number[] {
    let list = this.requests.get(key);
    if (!list) {
      list = [];
      this.requests.set(key, list);
    }
    return list;
  }
}

/**
 * The delete pipeline's budget steps around a fake Veriff (the pipeline itself is tested against
 * the real mock server in deletePipeline.test.ts): reserve at the moment of sending, then record
 * the 429 or the answer.
 */
function throughBudget(ledger: BudgetLedger, send: (id: string, key: string) => Promise<DeleteAttemptResult>) {
  return async (id: string, key: string): Promise<DeleteAttemptResult> => {
    const reservation = ledger.reserve(key);
    if (!reservation.granted) {
      return { kind: 'noBudget' };
    }
    const result = await send(id, key);
    if (result.kind === 'rateLimited') {
      ledger.recordRateLimited(key, result.retryAfterMs);
    } else {
      ledger.recordAnswered(key);
    }
    return result;
  };
}

/**
 * The best possible finish on a fresh budget, by hand: the day's 10 deletes go as 5 at once and 5
 * an hour later; the next 10 go when the day window frees them, 24 h after the first ones.
 */
function optimalSendTimes(n: number, start: number): number[] {
  return Array.from({ length: n }, (_, k) => start + Math.floor(k / 10) * DAY_MS + Math.floor((k % 10) / 5) * HOUR_MS);
}

describe('tidy up', () => {
  let clock: ManualClock;
  let t0: number;
  let warnings: string[];
  const onWarning = (m: string): void => {
    warnings.push(m);
  };

  beforeEach(() => {
    clock = new ManualClock();
    t0 = clock.now();
    warnings = [];
  });

  describe('planTidyUp', () => {
    const session = (status: SessionStatus, addedAt: number): TidyUpSession => ({ id: randomUUID(), status, addedAt });

    it('sorts sessions into deletable now, not deletable, gone, and known statuses before unknown ones', () => {
      const ledger = new BudgetLedger(clock);
      const declined = session('declined', t0 - 1000);
      const created = session('created', t0 - 5000);
      const unknown = session('unknown', t0 - 9000);
      const submitted = session('submitted', t0 - 4000);
      const review = session('review', t0 - 3000);
      const gone = session('gone', t0 - 2000);
      const plan = planTidyUp([declined, created, unknown, submitted, review, gone, created], ledger, KEY);
      assert.deepEqual(plan.deletableNow.map((s) => s.id), [created.id, declined.id, unknown.id]);
      assert.deepEqual(plan.queued, []);
      assert.deepEqual(plan.notDeletable.map((s) => s.id), [submitted.id, review.id]);
      assert.ok(plan.notDeletable.every((s) => s.reason.includes('decision')));
      assert.deepEqual(plan.gone.map((s) => s.id), [gone.id]);
      assert.deepEqual(plan.unknownStatus, [unknown.id]);
      assert.equal(plan.finishAt, t0);
      assert.equal(ledger.remaining(KEY).available, 5, 'planning spends nothing');
    });

    it('queues what the budget does not allow now, with the earliest time each can go', () => {
      const ledger = new BudgetLedger(clock);
      clock.set(t0 - 10 * MIN);
      ledger.recordSpend(KEY);
      ledger.recordSpend(KEY);
      clock.set(t0);
      const sessions = Array.from({ length: 8 }, (_, i) => session('approved', t0 - 1000 * (8 - i)));
      const plan = planTidyUp(sessions, ledger, KEY);
      // By hand: 3 fit the hour now; the 2 earlier spends leave at t0+50m; the 3 of now leave at
      // t0+1h, when the day's 10th slot is used.
      assert.deepEqual(plan.deletableNow.map((s) => s.id), sessions.slice(0, 3).map((s) => s.id));
      assert.deepEqual(plan.queued.map((s) => [s.id, s.eta]), [
        [sessions[3].id, t0 + 50 * MIN],
        [sessions[4].id, t0 + 50 * MIN],
        [sessions[5].id, t0 + HOUR_MS],
        [sessions[6].id, t0 + HOUR_MS],
        [sessions[7].id, t0 + HOUR_MS],
      ]);
      assert.equal(plan.finishAt, t0 + HOUR_MS);
    });

    it('puts the plan behind deletes already queued', () => {
      const ledger = new BudgetLedger(clock);
      const sessions = Array.from({ length: 3 }, (_, i) => session('created', t0 + i));
      const plan = planTidyUp(sessions, ledger, KEY, { aheadInQueue: 4 });
      assert.deepEqual(plan.deletableNow.map((s) => s.id), [sessions[0].id]);
      assert.deepEqual(plan.queued.map((s) => s.eta), [t0 + HOUR_MS, t0 + HOUR_MS]);
    });

    it('enqueues deletable sessions in sending order, once', () => {
      const ledger = new BudgetLedger(clock);
      const queue = new DeleteQueue(clock);
      const sessions = Array.from({ length: 7 }, (_, i) => session(i === 6 ? 'review' : 'created', t0 - i));
      const plan = planTidyUp(sessions, ledger, KEY);
      assert.equal(enqueueTidyUp(queue, plan, KEY), 6);
      assert.equal(enqueueTidyUp(queue, plan, KEY), 0);
      assert.deepEqual(queue.items().map((i) => i.id), [5, 4, 3, 2, 1, 0].map((i) => sessions[i].id));
    });
  });

  describe('DeleteQueue', () => {
    it('keeps order, skips duplicates and ids that are not UUIDs', () => {
      const queue = new DeleteQueue(clock);
      const [a, b] = [randomUUID(), randomUUID()];
      assert.equal(queue.enqueue([{ id: a, integrationKey: KEY }, { id: 'not-a-uuid', integrationKey: KEY }, { id: a.toUpperCase(), integrationKey: KEY }, { id: b, integrationKey: KEY }]), 2);
      assert.deepEqual(queue.items().map((i) => [i.id, i.enqueuedAt, i.attempts]), [[a, t0, 0], [b, t0, 0]]);
      assert.equal(queue.remove(a), true);
      assert.equal(queue.remove(a), false);
      assert.deepEqual(queue.items().map((i) => i.id), [b]);
    });

    it('round-trips through JSON', () => {
      const queue = new DeleteQueue(clock);
      const id = randomUUID();
      queue.enqueue([{ id, integrationKey: KEY }]);
      queue.update(id, { attempts: 2, notBefore: t0 + MIN, lastError: '500' });
      const copy = new DeleteQueue(clock, JSON.parse(JSON.stringify(queue)), { onWarning });
      assert.deepEqual(copy.toJSON(), queue.toJSON());
      assert.deepEqual(warnings, []);
    });

    it('discards unreadable state and sanitises bad entries with warnings, never throwing', () => {
      for (const garbage of ['x', 3, null, [], { version: 1, items: {} }, { version: 9, items: [] }]) {
        warnings = [];
        assert.equal(new DeleteQueue(clock, garbage, { onWarning }).size, 0);
        assert.equal(warnings.length, garbage === null ? 0 : 1, String(garbage));
      }
      warnings = [];
      const good = randomUUID();
      const other = randomUUID();
      const queue = new DeleteQueue(clock, {
        version: 1,
        items: [
          { id: good, integrationKey: KEY, enqueuedAt: NaN, attempts: 'two', notBefore: t0 + 100 * DAY_MS },
          { id: good, integrationKey: KEY, enqueuedAt: t0, attempts: 0 },
          { id: '../../v1/sessions', integrationKey: KEY, enqueuedAt: t0, attempts: 0 },
          { id: other, integrationKey: 5, enqueuedAt: t0, attempts: 0 },
          'junk',
        ],
      }, { onWarning });
      assert.deepEqual(queue.items(), [{ id: good, integrationKey: KEY, enqueuedAt: t0, attempts: 0, notBefore: t0 + DAY_MS }]);
      assert.equal(warnings.length, 5, warnings.join('\n'));
    });
  });

  describe('QueueRunner', () => {
    let timers: FakeTimers;
    let veriff: FakeVeriff;
    let events: QueueEvent[];

    beforeEach(() => {
      timers = new FakeTimers(clock);
      veriff = new FakeVeriff(clock);
      events = [];
    });

    const build = (ledgerState?: unknown, queueState?: unknown, extra: Partial<ConstructorParameters<typeof QueueRunner>[0]> = {}) => {
      const ledger = new BudgetLedger(clock, ledgerState, { onWarning });
      const queue = new DeleteQueue(clock, queueState, { onWarning });
      const runner = new QueueRunner({ clock, ledger, queue, deleter: throughBudget(ledger, (id, key) => veriff.deleter(id, key)), timers, onEvent: (e) => events.push(e), ...extra });
      return { ledger, queue, runner };
    };

    const enqueue = (queue: DeleteQueue, ids: string[], key = KEY): void => {
      queue.enqueue(ids.map((id) => ({ id, integrationKey: key })));
    };

    it('finishes 23 deletable sessions at the optimum, with one DELETE each and no 429', async () => {
      const ids = Array.from({ length: 23 }, () => veriff.add());
      let spentBeforeSend = true;
      const send = veriff.deleter;
      veriff.deleter = async (id, key) => {
        // Every DELETE must already be in the ledger when it goes out.
        const recorded = 10 - ledger.remaining(key).day;
        spentBeforeSend &&= recorded === veriff.calls.filter((c) => c.at > clock.now() - DAY_MS).length + 1;
        return send(id, key);
      };
      const { queue, runner, ledger } = build();
      enqueue(queue, ids);
      runner.start();
      const end = await timers.runAll();

      const optimum = optimalSendTimes(23, t0);
      assert.equal(optimum[22], t0 + 2 * DAY_MS);
      assert.deepEqual(veriff.calls.map((c) => c.at), optimum, 'each DELETE at the earliest possible time');
      assert.equal(end, t0 + 2 * DAY_MS);
      assert.equal(veriff.calls.length, 23);
      assert.equal(events.filter((e) => e.kind === 'deleted').length, 23);
      assert.equal(veriff.rateLimitedCount, 0);
      assert.ok(ids.every((id) => veriff.deleteCount(id) === 1));
      assert.equal(queue.size, 0);
      assert.equal(spentBeforeSend, true, 'spend recorded before each DELETE');
      assert.equal(timers.fired, 4, 'woken only at t0+1h, +24h, +25h, +48h: no polling');
      assert.equal(timers.pending, 0);
      assert.equal(events[events.length - 1].kind, 'idle');
    });

    it('sends nothing while the ledger says none is left, and wakes exactly when a slot frees', async () => {
      const { ledger, queue, runner } = build();
      for (let i = 0; i < 5; i++) {
        ledger.recordSpend(KEY); // spent by another window
      }
      veriff.spendByOthers(KEY, t0, 5);
      enqueue(queue, [veriff.add(), veriff.add(), veriff.add()]);
      const summary = await runner.runDue();
      assert.equal(summary.sent, 0);
      runner.start();
      await timers.advanceTo(t0 + HOUR_MS - 1);
      assert.equal(veriff.calls.length, 0);
      assert.equal(timers.pending, 1);
      assert.equal(timers.nextAt(), t0 + HOUR_MS);
      await timers.advanceTo(t0 + HOUR_MS);
      assert.deepEqual(veriff.calls.map((c) => [c.at, c.answer]), Array(3).fill([t0 + HOUR_MS, 'deleted']));
    });

    it('on a 429 with Retry-After stops, and sends again exactly when Veriff said', async () => {
      const { ledger, queue, runner } = build();
      veriff.spendByOthers(KEY, t0 - 50 * MIN, 5); // someone else spent the hour
      enqueue(queue, [veriff.add(), veriff.add(), veriff.add(), veriff.add()]);
      runner.start();
      await timers.advanceTo(t0);
      assert.deepEqual(veriff.calls.map((c) => c.answer), ['rateLimited'], 'stopped after the 429');
      assert.equal(ledger.remaining(KEY).blockedUntil, t0 + 10 * MIN);
      await timers.runAll();
      assert.deepEqual(veriff.calls.map((c) => [c.at, c.answer]), [
        [t0, 'rateLimited'],
        ...Array(4).fill([t0 + 10 * MIN, 'deleted']),
      ]);
      assert.equal(queue.size, 0);
    });

    it('on 429s without Retry-After backs off 1, 2, 4, 8 minutes, then recovers', async () => {
      veriff = new FakeVeriff(clock, false);
      const { ledger, queue, runner } = build();
      veriff.spendByOthers(KEY, t0 - 50 * MIN, 5); // they leave Veriff's hour at t0+10m
      const id = veriff.add();
      enqueue(queue, [id]);
      runner.start();
      await timers.runAll();
      assert.deepEqual(veriff.calls.map((c) => [c.at - t0, c.answer]), [
        [0, 'rateLimited'],
        [1 * MIN, 'rateLimited'],
        [3 * MIN, 'rateLimited'],
        [7 * MIN, 'rateLimited'],
        [15 * MIN, 'deleted'],
      ]);
      const blocks = events.flatMap((e) => (e.kind === 'rateLimited' ? [e.blockedUntil - t0] : []));
      assert.deepEqual(blocks, [1, 3, 7, 15].map((m) => m * MIN));
      assert.equal(ledger.toJSON().integrations[KEY].rateLimitStreak, undefined, 'the streak is over');
      assert.equal(veriff.deleteCount(id), 5);
    });

    it('restarted halfway from JSON loses nothing, deletes nothing twice, and still finishes at the optimum', async () => {
      const first = build();
      const ids = Array.from({ length: 23 }, () => veriff.add());
      enqueue(first.queue, ids);
      first.runner.start();
      await timers.advanceTo(t0 + HOUR_MS + 30 * MIN);
      assert.equal(veriff.calls.length, 10);
      const saved = JSON.stringify({ ledger: first.ledger, queue: first.queue });
      first.runner.stop();
      assert.equal(timers.pending, 0, 'stop() clears its timer');

      const state = JSON.parse(saved) as { ledger: unknown; queue: unknown };
      const second = build(state.ledger, state.queue);
      assert.equal(second.queue.size, 13);
      second.runner.start();
      const end = await timers.runAll();
      assert.deepEqual(veriff.calls.map((c) => c.at), optimalSendTimes(23, t0));
      assert.equal(end, t0 + 2 * DAY_MS);
      assert.ok(ids.every((id) => veriff.deleteCount(id) === 1));
      assert.equal(veriff.rateLimitedCount, 0);
      assert.equal(second.queue.size, 0);
      assert.deepEqual(warnings, []);
    });

    it('restarted while a DELETE was in flight asks whether the session still exists instead of deleting it again', async () => {
      const ids = [veriff.add(), veriff.add(), veriff.add()];
      // The second DELETE reaches Veriff, but the window reloads before the answer arrives.
      veriff.deleter = (id, key) => (id === ids[1] ? (veriff.receive(id, key), new Promise<never>(() => undefined)) : Promise.resolve(veriff.receive(id, key)));
      const first = build();
      enqueue(first.queue, ids);
      void first.runner.runDue();
      await timers.advanceTo(t0);
      assert.deepEqual(veriff.calls.map((c) => c.id), [ids[0], ids[1]]);
      assert.equal(first.queue.get(ids[1])?.sentAt, t0);
      const saved = JSON.parse(JSON.stringify({ ledger: first.ledger, queue: first.queue })) as { ledger: unknown; queue: unknown };

      const second = build(saved.ledger, saved.queue, { probe: veriff.probe });
      assert.equal(second.ledger.remaining(KEY).hour, 3, 'the unanswered DELETE still counts');
      await second.runner.runDue();
      assert.deepEqual(veriff.calls.map((c) => c.id), ids, 'no second DELETE for the lost one');
      assert.ok(events.some((e) => e.kind === 'gone' && e.id === ids[1] && e.foundByProbe === true));
      assert.equal(second.queue.size, 0);
    });

    it('sends nothing if the budget was spent elsewhere while it asked whether a session exists', async () => {
      const id = veriff.add();
      let ledgerRef: BudgetLedger | undefined;
      const probe: SessionProbe = async () => {
        for (let i = 0; i < 5; i++) {
          ledgerRef?.recordSpend(KEY); // another window spends the hour meanwhile
        }
        return 'exists';
      };
      const { ledger, queue, runner } = build(undefined, { version: 1, items: [{ id, integrationKey: KEY, enqueuedAt: t0, attempts: 0, sentAt: t0 - MIN }] }, { probe });
      ledgerRef = ledger;
      const summary = await runner.runDue();
      assert.equal(summary.sent, 0);
      assert.equal(veriff.calls.length, 0);
      assert.equal(queue.size, 1);
    });

    it('removes and reports queued sessions that became undeletable or vanished', async () => {
      const { queue, runner } = build();
      const submitted = veriff.add('submitted');
      const vanished = veriff.add();
      const fine = veriff.add('approved');
      veriff.sessions.delete(vanished);
      enqueue(queue, [submitted, vanished, fine]);
      const summary = await runner.runDue();
      assert.deepEqual(summary.notDeletable, [{ id: submitted, reason: '1305 Session is not in a completed status.' }]);
      assert.deepEqual(summary.gone, [vanished]);
      assert.deepEqual(summary.deleted, [fine]);
      assert.equal(queue.size, 0);
      assert.deepEqual(events.filter((e) => e.kind !== 'sending').map((e) => [e.kind, 'id' in e ? e.id : undefined]), [
        ['notDeletable', submitted],
        ['gone', vanished],
        ['deleted', fine],
      ]);
    });

    it('keeps a retryably failed session queued, backs off, retries, and gives up after maxAttempts', async () => {
      const { queue, runner } = build();
      const flaky = veriff.add();
      const broken = veriff.add();
      const fail: DeleteAttemptResult = { kind: 'failed', retryable: true, reason: '500 Something went wrong' };
      veriff.scripted.set(flaky, [fail]);
      veriff.scripted.set(broken, [fail, fail, fail]);
      enqueue(queue, [flaky, broken]);
      const summary = await runner.runDue();
      assert.deepEqual(summary.retryLater, [flaky, broken]);
      assert.deepEqual(queue.items().map((i) => [i.attempts, i.notBefore, i.sentAt]), [[1, t0 + MIN, undefined], [1, t0 + MIN, undefined]]);
      runner.start();
      await timers.runAll();
      assert.deepEqual(veriff.calls.map((c) => [c.id === flaky ? 'flaky' : 'broken', c.at - t0, c.answer]), [
        ['flaky', 0, 'failed'],
        ['broken', 0, 'failed'],
        ['flaky', MIN, 'deleted'],
        ['broken', MIN, 'failed'],
        ['broken', 3 * MIN, 'failed'],
      ]);
      assert.ok(events.some((e) => e.kind === 'gaveUp' && e.id === broken && e.attempts === 3));
      assert.equal(queue.size, 0);
    });

    it('pauses on a failure that retrying cannot fix (bad credentials) and sends nothing until resumed', async () => {
      const { queue, runner } = build();
      const ids = [veriff.add(), veriff.add()];
      veriff.scripted.set(ids[0], [{ kind: 'failed', retryable: false, reason: '401 1812 Signature verification failed.' }]);
      enqueue(queue, ids);
      runner.start();
      await timers.runAll();
      assert.equal(veriff.calls.length, 1);
      assert.equal(runner.state, 'paused');
      assert.equal(runner.pausedReason, '401 1812 Signature verification failed.');
      assert.deepEqual(events.filter((e) => e.kind === 'paused'), [{ kind: 'paused', reason: '401 1812 Signature verification failed.', id: ids[0], integrationKey: KEY }]);
      assert.equal(queue.size, 2);
      assert.equal(timers.pending, 0);
      await timers.advanceTo(t0 + DAY_MS);
      assert.equal(veriff.calls.length, 1);
      runner.resume();
      await timers.runAll();
      assert.deepEqual(veriff.calls.slice(1).map((c) => c.answer), ['deleted', 'deleted']);
      assert.equal(queue.size, 0);
    });

    it('never sends the same id twice concurrently', async () => {
      const { queue, ledger } = build();
      const id = veriff.add();
      enqueue(queue, [id]);
      let release: (r: DeleteAttemptResult) => void = () => undefined;
      let calls = 0;
      const runner = new QueueRunner({
        clock, ledger, queue, timers,
        deleter: throughBudget(ledger, () => {
          calls++;
          return new Promise((resolve) => (release = resolve));
        }),
      });
      const a = runner.runDue();
      const b = runner.runDue();
      runner.start();
      await timers.advanceBy(10 * MIN);
      assert.equal(a, b, 'a second call joins the run in progress');
      assert.equal(calls, 1);
      assert.equal(runner.isInFlight(id), true);
      release({ kind: 'deleted' });
      await a;
      await timers.runAll();
      assert.equal(calls, 1);
      assert.equal(ledger.remaining(KEY).hour, 4);
    });

    it('keeps integrations apart', async () => {
      const { queue, runner } = build();
      enqueue(queue, Array.from({ length: 7 }, () => veriff.add()), 'k1');
      enqueue(queue, Array.from({ length: 7 }, () => veriff.add()), 'k2');
      const summary = await runner.runDue();
      assert.equal(summary.sent, 10);
      assert.deepEqual(veriff.calls.map((c) => c.key), [...Array(5).fill('k1'), ...Array(5).fill('k2')]);
    });

    it('keeps one timer at most, none while paused or stopped, and re-plans when work is added', async () => {
      const { ledger, queue, runner } = build();
      for (let i = 0; i < 5; i++) {
        ledger.recordSpend(KEY);
      }
      runner.start();
      await timers.advanceTo(t0);
      assert.equal(timers.pending, 0, 'nothing queued: no timer');
      enqueue(queue, [veriff.add(), veriff.add()]);
      assert.equal(timers.pending, 1);
      assert.equal(timers.nextAt(), t0 + HOUR_MS);
      enqueue(queue, [veriff.add()]);
      assert.equal(timers.pending, 1);
      runner.pause();
      assert.equal(timers.pending, 0);
      runner.resume();
      await timers.advanceTo(t0);
      assert.equal(timers.pending, 1);
      runner.stop();
      assert.equal(timers.pending, 0);
      await timers.advanceTo(t0 + 2 * HOUR_MS);
      assert.equal(veriff.calls.length, 0);
    });
  });
});
