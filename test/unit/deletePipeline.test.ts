import * as assert from 'node:assert/strict';
import { BudgetLedger, DAY_MS, HOUR_MS } from '../../src/core/budget';
import { DeletePipeline, ledgerBudget, type DeleteTarget, type PipelineStep } from '../../src/core/deletePipeline';
import { DeleteQueue } from '../../src/core/deleteQueue';
import { queueAttemptResult } from '../../src/core/deleteOutcome';
import type { DeleteAttemptResult } from '../../src/core/deleteAttempt';
import { QueueRunner } from '../../src/core/queueRunner';
import { SessionStore } from '../../src/core/store/sessionStore';
import { VeriffClient } from '../../src/core/veriffClient';
import { FakeTimers } from '../support/fakeTimers';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';

const KEY = 'fingerprint-of-the-canary-key';
const INTEGRATION = 'integration-1';
const MIN = 60_000;

/**
 * The delete pipeline against the project's Veriff server over loopback: the server counts every
 * DELETE it receives against 5 per hour / 10 per 24 h on its own clock and answers 429 beyond.
 */
describe('delete pipeline', () => {
  let mock: MockVeriff;
  let ledger: BudgetLedger;
  let store: SessionStore;
  let pipeline: DeletePipeline;
  let client: VeriffClient;
  let target: DeleteTarget;
  let logLines: string[];

  beforeEach(async () => {
    mock = await startMockVeriff();
    ledger = new BudgetLedger(mock.clock);
    store = new SessionStore({ clock: mock.clock });
    logLines = [];
    pipeline = new DeletePipeline({
      budget: ledgerBudget(ledger),
      sessions: store,
      log: { info: (m) => logLines.push(m), warn: (m) => logLines.push(m) },
      clock: mock.clock,
      describe: (failure) => ('message' in failure ? failure.message : failure.kind),
    });
    client = new VeriffClient({ apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret: mock.sharedSecret, clock: mock.clock });
    target = { integrationId: INTEGRATION, integrationName: 'Test', key: KEY, client };
  });

  afterEach(async () => {
    await client.close();
    await mock.server.close();
  });

  const sessions = (n: number, status: 'approved' | 'created' = 'approved'): string[] => {
    const ids = Array.from({ length: n }, () => mock.server.state.createSession(mock.apiKey, { status }).id);
    store.add(INTEGRATION, ids, { source: 'typed' });
    return ids;
  };
  const deletesAtServer = (): number => mock.server.deleteRequests(mock.apiKey).length;
  const rateLimitedAtServer = (): number => mock.server.deleteRequests(mock.apiKey).filter((r) => r.status === 429).length;

  it('10 concurrent deletes from commands and the queue together: 5 sent, 0 × 429, the rest refused with the time the next slot frees', async () => {
    const ids = sessions(10);
    // Five "command" deletes start at once…
    const commandSteps = Promise.all(ids.slice(0, 5).map((id) => pipeline.send(target, id, { via: 'command' })));
    // …while the queue drains the other five with its own runner.
    const queue = new DeleteQueue(mock.clock);
    queue.enqueue(ids.slice(5).map((id) => ({ id, integrationKey: KEY })));
    const deleter = async (id: string): Promise<DeleteAttemptResult> => {
      const step = await pipeline.send(target, id, { via: 'queue' });
      return step.kind === 'sent' ? queueAttemptResult(step.result, '') : { kind: 'noBudget' };
    };
    const runner = new QueueRunner({ clock: mock.clock, ledger, queue, deleter, timers: new FakeTimers(mock.clock) });
    const [steps, run] = await Promise.all([commandSteps, runner.runDue()]);
    const sent = steps.filter((s) => s.kind === 'sent').length + run.sent;
    assert.equal(deletesAtServer(), 5);
    assert.equal(sent, 5);
    assert.equal(rateLimitedAtServer(), 0);
    const refused = steps.filter((s): s is Extract<PipelineStep, { reason: 'budget' }> => s.kind === 'notSent' && s.reason === 'budget');
    assert.ok(refused.every((s) => s.nextFreeAt === mock.clock.now() + HOUR_MS), JSON.stringify(refused));
    assert.equal(store.list(INTEGRATION).length, 5, 'only the deleted ones stop being tracked');
  });

  it('over a day of clock jumps (+25 h, -2 h, the year 2000, back) sends at most 5 in any hour and 10 in any 24 h, with 0 × 429', async () => {
    const ids = sessions(30);
    const start = mock.clock.now();
    const sendAll = async (): Promise<void> => {
      for (const id of ids.filter((i) => store.has(INTEGRATION, i))) {
        await pipeline.send(target, id, { via: 'command' });
      }
    };
    await sendAll();
    assert.equal(deletesAtServer(), 5);
    for (const jump of [start + 25 * HOUR_MS, start - 2 * HOUR_MS, Date.UTC(2000, 0, 1), start]) {
      // The machine's clock is changed (the server shares it here, so only our client's restraint keeps the count).
      const veriffNow = mock.clock.now();
      mock.clock.jump(jump);
      await sendAll();
      mock.clock.jump(veriffNow);
      assert.equal(deletesAtServer(), 5, `after the jump to ${new Date(jump).toISOString()}`);
    }
    assert.equal(rateLimitedAtServer(), 0);
    // Real time passes: one hour frees five, the next hour five more, then the day window holds.
    mock.clock.advance(HOUR_MS);
    await sendAll();
    assert.equal(deletesAtServer(), 10);
    mock.clock.advance(HOUR_MS);
    await sendAll();
    assert.equal(deletesAtServer(), 10, 'the 24 h window allows 10');
    mock.clock.advance(DAY_MS - 2 * HOUR_MS);
    await sendAll();
    assert.equal(deletesAtServer(), 15);
    assert.equal(rateLimitedAtServer(), 0);
  });

  for (const [name, fault, status] of [
    ['an unsigned 200', 'missingSignature', 'approved'],
    ['a 200 with a wrong signature', 'wrongSignature', 'approved'],
    ['an unsigned 404', 'missingSignature', 'gone'],
    ['a 404 with a wrong signature', 'wrongSignature', 'gone'],
  ] as const) {
    it(`${name} changes nothing: the session stays tracked, "could not be verified" on its row and in the log`, async () => {
      const [id] = sessions(1);
      if (status === 'gone') {
        await client.deleteSession(id); // really delete it at the server: its next DELETE answers 404
      }
      mock.server.injectFault(fault, { method: 'DELETE' });
      const step = await pipeline.send(target, id, { via: 'command' });
      assert.equal(step.kind, 'sent');
      assert.equal(step.kind === 'sent' && step.result.kind, 'unverified');
      assert.ok(store.has(INTEGRATION, id), 'still tracked');
      assert.match(store.get(INTEGRATION, id)?.lastError?.message ?? '', /could not be verified/);
      assert.ok(logLines.some((l) => l.includes('could not be verified')), logLines.join('\n'));
    });
  }

  it('a 200 that is not Veriff\'s success shape for this session does not count as deleted', async () => {
    const [id, other] = sessions(2);
    mock.server.injectFault({ kind: 'status', status: 200, body: { status: 'success', verification: { id: other } } }, { method: 'DELETE' });
    const step = await pipeline.send(target, id, { via: 'command' });
    assert.ok(step.kind === 'sent' && step.result.kind !== 'deleted', JSON.stringify(step));
    assert.ok(store.has(INTEGRATION, id));
  });

  it('a request that never leaves (a client that cannot connect, a bad id, cancelled before) spends nothing', async () => {
    const [id] = sessions(1);
    const cannotConnect: DeleteTarget = {
      ...target,
      client: { deleteSession: async () => ({ kind: 'network', message: 'The connection could not be set up: bad proxy URL', notSent: true }) },
    };
    for (let i = 0; i < 6; i++) {
      const step = await pipeline.send(cannotConnect, id, { via: 'queue' });
      assert.equal(step.kind === 'notSent' && step.reason, 'couldNotSend');
    }
    assert.equal((await pipeline.send(target, 'not-a-uuid', { via: 'command' })).kind, 'notSent');
    const aborted = new AbortController();
    aborted.abort();
    assert.equal((await pipeline.send(target, id, { via: 'command', signal: aborted.signal })).kind, 'notSent');
    assert.equal(ledger.remaining(KEY).hour, 5, 'no slot spent');
    assert.equal(deletesAtServer(), 0);
    assert.ok(store.has(INTEGRATION, id));
  });

  it('a 429 blocks the key for its wait; the queue keeps its row clean, a command records it', async () => {
    const [a, b] = sessions(2);
    mock.server.injectFault({ kind: 'status', status: 429, body: { status: 'fail', code: 1004, message: 'Too many requests.' }, headers: { 'Retry-After': '600' } }, { method: 'DELETE', times: 2 });
    const q = await pipeline.send(target, a, { via: 'queue' });
    assert.equal(q.kind === 'sent' && q.result.kind, 'rateLimited');
    assert.equal(store.get(INTEGRATION, a)?.lastError, undefined);
    assert.equal((await pipeline.send(target, b, { via: 'command' })).kind, 'notSent', 'blocked: nothing sent');
    assert.ok((ledger.remaining(KEY).blockedUntil ?? 0) >= mock.clock.now() + 10 * MIN);
  });

  it('claims a session for one deletion at a time', () => {
    const first = pipeline.claim(INTEGRATION, ['a', 'b']);
    const second = pipeline.claim(INTEGRATION, ['b', 'c']);
    assert.deepEqual(first, { mine: ['a', 'b'], busy: [] });
    assert.deepEqual(second, { mine: ['c'], busy: ['b'] });
    assert.equal(pipeline.isInFlight(INTEGRATION, 'b'), true);
    pipeline.release(INTEGRATION, ['a', 'b']);
    assert.equal(pipeline.isInFlight(INTEGRATION, 'b'), false);
  });
});
