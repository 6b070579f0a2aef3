import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TidyUpSummary } from '../../src/vscode/commands/sessions/tidyUpSessions';
import type { GroupNode, SessionNode } from '../../src/vscode/sessionArgs';
import type { ScriptedUserInput } from '../support/scriptedUserInput';
import { withUser } from './helpers';
import { DAY, HOUR, advanceTo, deleteAnswers, nextSlot, seed, sendingOrder, setting, setUpBudget, statusText, tearDownBudget, type BudgetHarness } from './budgetHarness';

const MIN = 60_000;
const TIDY_UP = 'Tidy Up';
const tidy = () => vscode.commands.executeCommand<TidyUpSummary | undefined>('veriff.tidyUp');
const confirms = (user: ScriptedUserInput) => user.shown.filter((x) => x.kind === 'confirm').map((x) => x.text);

/** The best possible finish on a fresh budget: 5 at once, 5 an hour later, the next 10 when the day window frees them. */
function optimalSendTimes(n: number, start: number): number[] {
  return Array.from({ length: n }, (_, k) => start + Math.floor(k / 10) * DAY + Math.floor((k % 10) / 5) * HOUR);
}

const idOf = (path: string) => path.slice('/v1/sessions/'.length);

describe('tidy up after a test run', () => {
  let h: BudgetHarness | undefined;

  afterEach(async () => {
    await tearDownBudget(h);
    h = undefined;
  });

  function runGroup(label: string): GroupNode {
    const group = h!.s.sessionTree!.getChildren().find((n): n is GroupNode => n.kind === 'group' && n.key === label);
    assert.ok(group, `run ${label} is in the tree`);
    return group;
  }

  function rowDescription(label: string, id: string): string {
    const tree = h!.s.sessionTree!;
    const node = (tree.getChildren(runGroup(label)) as SessionNode[]).find((n) => n.session.id === id);
    assert.ok(node, `${id} is a row of ${label}`);
    return String(tree.getTreeItem(node).description);
  }

  it('deletes exactly the deletable sessions of a mixed run, oldest first, asks Veriff nothing hopeless, queues the rest and finishes it when the hour frees', async () => {
    h = await setUpBudget();
    const deletable = seed(h, ['approved', 'declined', 'expired', 'approved', 'created', 'abandoned', 'declined', 'approved'], 'run-42');
    const [submitted, review] = seed(h, ['submitted', 'review'], 'run-42');
    const [missing] = seed(h, ['missing'], 'run-42');
    const [otherRun] = seed(h, ['approved'], 'other-run');
    const order = sendingOrder(h, deletable);

    const summary = await withUser([{ confirm: TIDY_UP }], async (user) => {
      const result = await vscode.commands.executeCommand<TidyUpSummary | undefined>('veriff.tidyUpRun', runGroup('run-42'));
      const [question] = confirms(user);
      assert.match(
        question,
        /^Tidy up run "run-42" \(Test\)\? Delete 5 sessions now, queue 3 \(finishing in about 1 hour, at [^)]+\); 2 are not deletable yet \(submitted\/in review\)\.\n/,
      );
      assert.match(question, /\nThis uses 5 of the 5 deletes left this hour \(10 left today\)\.\n/);
      assert.match(question, /deleted by themselves as the budget frees up, also after VS Code restarts/);
      assert.match(question, /\n1 was already gone at Veriff and is no longer tracked\./);
      assert.match(
        user.messages().join('\n'),
        /Tidy-up of Test \/ run-42: deleted 5, already gone 1, not deletable yet 2 \(Veriff is still processing them: submitted or in review\), queued 3 \(finishing in about 1 hour, at [^)]+\)\./,
      );
      return result;
    });
    assert.ok(summary);
    assert.deepEqual(summary.deleted, order.slice(0, 5), 'the oldest five first');
    assert.deepEqual(summary.queued, order.slice(5));
    assert.equal(summary.queuedFinishAt, h.t0 + HOUR);
    assert.deepEqual(summary.gone, [missing]);
    assert.deepEqual(summary.notDeletable.map((x) => x.id).sort(), [submitted, review].sort());

    // Veriff saw one DELETE per deleted session and nothing for the hopeless ones.
    const sent = h.mock.server.deleteRequests();
    assert.deepEqual(sent.map((r) => idOf(r.path)), order.slice(0, 5));
    assert.deepEqual(sent.map((r) => r.status), [200, 200, 200, 200, 200]);
    const store = h.s.sessions.store;
    const tracked = (id: string) => store.get(h!.integrationId, id);
    assert.ok(order.slice(0, 5).every((id) => !tracked(id)), 'deleted ones are no longer tracked');
    assert.equal(tracked(missing), undefined, 'the 404 one is no longer tracked');
    assert.equal(tracked(submitted)?.status, 'submitted');
    assert.equal(tracked(review)?.status, 'review');
    assert.ok(tracked(otherRun), 'another run is untouched');

    // The queue shows in the tree and in the status bar.
    for (const id of order.slice(5)) {
      assert.match(rowDescription('run-42', id), /queued · ETA 1h/);
    }
    assert.doesNotMatch(rowDescription('run-42', submitted), /queued/);
    const snap = h.bar.snapshot();
    assert.equal(snap.text, `$(trash) 0/5 · 5/10${nextSlot(h)} $(clock) 3 queued`);
    assert.equal(snap.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(snap.tooltip, /3 deletes queued, finishing in about 1 hour/);
    assert.equal(h.budget.runner.state, 'started');
    assert.equal(h.budget.runner.nextWakeAt(), h.t0 + HOUR);

    // An hour on, the runner finishes by itself.
    await advanceTo(h, h.t0 + HOUR);
    const all = h.mock.server.deleteRequests();
    assert.deepEqual(all.map((r) => idOf(r.path)), order, 'each deletable session exactly once, in order');
    assert.deepEqual(all.slice(5).map((r) => r.at), [h.t0 + HOUR, h.t0 + HOUR, h.t0 + HOUR], 'the moment the slots freed');
    assert.ok(all.every((r) => r.status === 200), 'no 429');
    assert.equal(h.budget.queue.size, 0);
    assert.ok(order.every((id) => !tracked(id)));
    assert.equal(statusText(h), '$(trash) 2/5 · 2/10');
    assert.equal(h.bar.snapshot().backgroundColor, undefined);
    assert.ok(tracked(otherRun));
  });

  it('finishes a 23-session batch at the optimum: one DELETE each, no 429, woken only when slots free (no confirmation with the setting off)', async () => {
    h = await setUpBudget();
    await setting('confirmBeforeTidyUp', false);
    const ids = seed(h, Array(23).fill('approved'), 'batch');
    const summary = await withUser([], () => tidy());
    assert.equal(summary?.deleted.length, 5);
    assert.equal(summary?.queued.length, 18);
    assert.equal(summary?.queuedFinishAt, h.t0 + 2 * DAY);
    const t0 = h.t0;
    const steps: Array<[number, number, string]> = [
      [t0, 5, '$(trash) 0/5 · 5/10{next} $(clock) 18 queued'],
      [t0 + HOUR, 10, '$(trash) 0/5 · 0/10{next} $(clock) 13 queued'],
      [t0 + DAY, 15, '$(trash) 0/5 · 0/10{next} $(clock) 8 queued'],
      [t0 + DAY + HOUR, 20, '$(trash) 0/5 · 0/10{next} $(clock) 3 queued'],
      [t0 + 2 * DAY, 23, '$(trash) 2/5 · 2/10'],
    ];
    const firedBefore = h.timers.fired;
    for (const [at, sent, text] of steps) {
      await advanceTo(h, at);
      assert.equal(h.mock.server.deleteRequests().length, sent, `DELETEs sent by ${(at - t0) / HOUR} h`);
      assert.equal(statusText(h), text.replace('{next}', nextSlot(h!)), `status bar at ${(at - t0) / HOUR} h`);
    }
    const requests = h.mock.server.deleteRequests();
    const times = requests.map((r) => r.at);
    assert.deepEqual(times, optimalSendTimes(23, t0), 'every DELETE at the earliest moment the budget allowed');
    const deleted = requests.filter((r) => r.status === 200).length;
    const limited = requests.filter((r) => r.status === 429).length;
    assert.equal(deleted, 23);
    assert.equal(limited, 0);
    assert.deepEqual(new Set(requests.map((r) => idOf(r.path))), new Set(ids), 'each session once');
    assert.equal(h.s.sessions.store.list(h.integrationId).length, 0);
    const wakes = h.timers.fired - firedBefore;
    assert.ok(wakes <= 10, `timers fired only when something changed (${wakes})`);
    const wall = (times[times.length - 1] - t0) / HOUR;
    const optimum = (optimalSendTimes(23, t0)[22] - t0) / HOUR;
    console.log(`      23-session batch: finished after ${wall} h simulated (optimum ${optimum} h); DELETEs sent ${requests.length}, deleted ${deleted}, 429s ${limited}; timer wake-ups ${wakes}`);
  });

  it('a 429 (budget spent by another client) marks the hour as spent; the queue backs off and finishes without hammering', async () => {
    h = await setUpBudget();
    for (let i = 0; i < 3; i++) {
      assert.equal(h.mock.server.state.tryTakeDeleteSlot(h.mock.apiKey).ok, true);
    }
    const ids = seed(h, Array(6).fill('approved'));
    const summary = await withUser([{ confirm: TIDY_UP }], async (user) => {
      const result = await tidy();
      assert.match(confirms(user)[0], /Delete 5 sessions now, queue 1/);
      assert.match(user.messages('warning').join('\n'), /Veriff answered 429 \(the budget was spent elsewhere\): the queue waits and goes on by itself/);
      return result;
    });
    assert.equal(summary?.deleted.length, 2);
    assert.equal(summary?.rateLimited, true);
    assert.equal(summary?.queued.length, 4);
    assert.deepEqual(deleteAnswers(h), [200, 200, 429]);
    const snap = h.bar.snapshot();
    assert.equal(snap.text, `$(trash) 0/5 · 7/10${nextSlot(h)} $(clock) 4 queued`, 'the hour is spent; every DELETE sent counted');
    assert.equal(snap.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(snap.tooltip, /Veriff answered 429/);

    await advanceTo(h, h.t0 + 2 * HOUR);
    const t0 = h.t0;
    assert.deepEqual(
      h.mock.server.deleteRequests().map((r) => [r.at - t0, r.status]),
      [
        [0, 200],
        [0, 200],
        [0, 429],
        [MIN, 429], // backoff 1 min
        [3 * MIN, 429], // then 2 min
        [64 * MIN, 200], // then not before the hour frees, plus 4 min
        [64 * MIN, 200],
        [64 * MIN, 200],
        [64 * MIN, 200],
      ],
    );
    assert.equal(h.budget.queue.size, 0);
    assert.equal(ids.filter((id) => h!.s.sessions.store.get(h!.integrationId, id)).length, 0, 'all six deleted');
    assert.equal(statusText(h), '$(trash) 1/5 · 1/10');
  });

  it('a restart halfway loses nothing: the queue and the budget come back from the shared store, and a lost answer is checked, not re-sent', async () => {
    h = await setUpBudget();
    seed(h, Array(8).fill('approved'));
    const summary = await withUser([{ confirm: TIDY_UP }], () => tidy());
    const queued = summary!.queued;
    assert.equal(queued.length, 3);
    const before = statusText(h);
    assert.equal(before, `$(trash) 0/5 · 5/10${nextSlot(h)} $(clock) 3 queued`);
    // Suppose the window closed while the first queued DELETE was out: Veriff deleted it, the answer was lost.
    const [lost, ...rest] = queued;
    h.mock.server.state.deleteSession(lost);
    h.budget.queue.update(lost, { sentAt: h.mock.clock.now() });
    await h.budget.flush();

    await h.budget.reload();
    assert.equal(statusText(h), before, 'same figures after the restart');
    assert.deepEqual(h.budget.queue.items().map((i) => i.id), queued);
    assert.equal(h.budget.runner.state, 'started', 'the queue goes on by itself after the restart');

    await advanceTo(h, h.t0 + HOUR);
    const paths = h.mock.server.requests.map((r) => `${r.method} ${r.path} ${r.status}`);
    assert.ok(paths.includes(`GET /v1/sessions/${lost}/decision 404`), 'asked whether the lost one still exists');
    assert.ok(!paths.some((p) => p.startsWith(`DELETE /v1/sessions/${lost}`)), 'and did not spend a delete on it');
    assert.deepEqual(h.mock.server.deleteRequests().slice(5).map((r) => idOf(r.path)), rest);
    assert.equal(h.budget.queue.size, 0);
    assert.equal(h.s.sessions.store.list(h.integrationId).length, 0);
    assert.equal(statusText(h), '$(trash) 3/5 · 3/10');
  });

  it('401 on a DELETE pauses the queue and offers Set API Credentials; new credentials resume it', async () => {
    h = await setUpBudget();
    const ids = seed(h, ['approved', 'approved']);
    h.mock.server.injectFault({ kind: 'status', status: 401, body: { status: 'fail', code: 1812, message: 'Signature verification failed.' } }, { method: 'DELETE' });
    await withUser([{ confirm: TIDY_UP }], async (user) => {
      const summary = await tidy();
      assert.equal(summary?.deleted.length, 0);
      assert.match(summary?.pausedReason ?? '', /401/);
      const paused = user.shown.find((x) => x.kind === 'error' && /The delete queue is paused/.test(x.text));
      assert.ok(paused, 'the pause is reported');
      assert.ok(paused.detail.includes('Set API Credentials'), 'with the fix');
    });
    assert.deepEqual(deleteAnswers(h), [401], 'the second DELETE was not sent');
    assert.equal(statusText(h), '$(trash) 4/5 · 9/10 $(error) $(clock) 2 queued', 'refused credentials: something for the user to fix');
    assert.equal(h.bar.snapshot().backgroundColor, 'statusBarItem.errorBackground');
    assert.match(h.bar.snapshot().tooltip, /Veriff refused the API credentials of Test \(401/);
    assert.match(h.bar.snapshot().tooltip, /The queue is paused/);
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: h!.mock.server.url, apiKey: h!.mock.apiKey, sharedSecret: h!.mock.sharedSecret }),
    );
    await h.budget.whenIdle();
    assert.deepEqual(deleteAnswers(h), [401, 200, 200]);
    assert.equal(ids.filter((id) => h!.s.sessions.store.get(h!.integrationId, id)).length, 0);
    assert.equal(statusText(h), '$(trash) 2/5 · 7/10');
  });
});
