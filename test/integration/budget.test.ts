import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { budgetFileName } from '../../src/core/store/budgetFile';
import { SharedStore } from '../../src/core/store/sharedStore';
import type { ShowBudgetResult } from '../../src/vscode/commands/budget/showBudget';
import type { DeleteSummary } from '../../src/vscode/commands/sessions/deleteSession';
import type { TidyUpSummary } from '../../src/vscode/commands/sessions/tidyUpSessions';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import type { ScriptedUserInput } from '../support/scriptedUserInput';
import { withUser } from './helpers';
import { HOUR, DAY, advanceTo, deleteAnswers, eventually, nextSlot, seed, sendingOrder, setting, setUpBudget, statusText, tearDownBudget, type BudgetHarness } from './budgetHarness';

const del = (...args: unknown[]) => vscode.commands.executeCommand<DeleteSummary | undefined>('veriff.deleteSession', ...args);
const tidy = () => vscode.commands.executeCommand<TidyUpSummary | undefined>('veriff.tidyUp');
const showBudget = () => vscode.commands.executeCommand<ShowBudgetResult | undefined>('veriff.showBudget');
/** Another VS Code window: its own store on the same folder, on the same clock as the mock Veriff. */
const otherWindow = (h: BudgetHarness) => new SharedStore(h.s.context.globalStorageUri.fsPath, { clock: h.mock.clock });
const budgetFile = (h: BudgetHarness, key: string) => path.join(h.s.context.globalStorageUri.fsPath, budgetFileName(key));
const confirms = (user: ScriptedUserInput) => user.shown.filter((x) => x.kind === 'confirm').map((x) => x.text);

describe('delete budget: status bar, gate and shared state', () => {
  let h: BudgetHarness | undefined;

  afterEach(async () => {
    await tearDownBudget(h);
    h = undefined;
  });

  it('is hidden without credentials, then shows the fresh budget of the active integration', async () => {
    h = await setUpBudget({ credentials: false });
    assert.equal(h.bar.snapshot().visible, false, 'no credentials: no item');
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: h!.mock.server.url, apiKey: h!.mock.apiKey, sharedSecret: h!.mock.sharedSecret }),
    );
    h.integrationId = h.s.credentials.active()!.id;
    await h.bar.refreshActive();
    const snap = h.bar.snapshot();
    assert.equal(snap.visible, true);
    assert.equal(snap.text, '$(trash) 5/5 · 10/10');
    assert.equal(snap.backgroundColor, undefined);
    assert.equal(snap.command, 'veriff.showBudget');
    assert.equal(snap.integration, 'Test');
    assert.match(snap.tooltip, /Veriff delete budget.*Test/);
    assert.match(snap.tooltip, /This hour: 5 of 5 deletes left/);
    assert.match(snap.tooltip, /Last 24 hours: 10 of 10 deletes left/);
    assert.match(snap.accessibilityLabel, /Veriff delete budget for Test: 5 of 5 deletes left this hour, 10 of 10 left in 24 hours/);
    assert.ok(!snap.tooltip.includes(h.mock.apiKey), 'the API key is never shown');
    assert.equal(h.bar.timerAt, undefined, 'nothing to wait for: no timer');
  });

  it('follows every delete "Delete Session" spends, warns at the last one, and frees on one timer (no poll)', async () => {
    h = await setUpBudget();
    const ids = seed(h, ['approved', 'approved', 'declined', 'expired', 'approved', 'approved', 'approved']);
    await withUser([{ confirm: 'Delete' }], async (user) => {
      assert.deepEqual((await del(ids[0]))?.deleted, [ids[0]]);
      assert.match(confirms(user)[0], /This uses 1 of the 5 deletes left this hour \(10 left today\)\./);
    });
    assert.equal(statusText(h), '$(trash) 4/5 · 9/10');
    assert.equal(h.bar.snapshot().backgroundColor, undefined);

    await withUser([{ confirm: 'Delete' }], async (user) => {
      assert.equal((await del([ids[1], ids[2], ids[3]]))?.deleted.length, 3);
      assert.match(confirms(user)[0], /This uses 3 of the 4 deletes left this hour \(9 left today\)\./);
    });
    assert.equal(statusText(h), '$(trash) 1/5 · 6/10');
    assert.equal(h.bar.snapshot().backgroundColor, undefined, 'one left is no reason for a colour');

    await withUser([{ confirm: 'Delete' }], () => del(ids[4]));
    const spent = h.bar.snapshot();
    // Spent is the normal state after a tidy-up: warning colour, and when the next delete may go.
    const at = /The next delete frees in 60 minutes \(at ([^)]+)\)/.exec(spent.tooltip)?.[1];
    assert.ok(at, `the tooltip says when: ${spent.tooltip}`);
    assert.equal(spent.text, `$(trash) 0/5 · 5/10 $(history) ${at}`);
    assert.equal(spent.backgroundColor, 'statusBarItem.warningBackground');
    assert.match(spent.accessibilityLabel, new RegExp(`the next delete may go at ${at}`));

    // Nothing left: "Delete Session" sends nothing and says when the next one frees.
    await withUser([], async (user) => {
      const summary = await del(ids[5]);
      assert.deepEqual(summary?.deleted, []);
      assert.match(user.messages().join('\n'), /The next delete frees in 60 minutes \(at \d\d:\d\d/);
    });
    assert.equal(deleteAnswers(h).length, 5, 'no DELETE the ledger said would be refused');
    assert.deepEqual(deleteAnswers(h), [200, 200, 200, 200, 200]);

    // One timer, set for the moment the hour frees; firing it re-renders once.
    assert.equal(h.bar.timerAt, h.t0 + HOUR);
    const renders = h.bar.renderCount;
    const created = h.timers.created;
    await advanceTo(h, h.t0 + HOUR);
    assert.equal(statusText(h), '$(trash) 5/5 · 5/10');
    assert.equal(h.bar.snapshot().backgroundColor, undefined);
    assert.equal(h.bar.renderCount - renders, 1, 'one render when the slots came back');
    assert.equal(h.timers.created - created, 1, 'and one new timer, for the day window');
    assert.equal(h.bar.timerAt, h.t0 + DAY);

    await withUser([{ confirm: 'Delete' }], () => del(ids[5]));
    assert.equal(statusText(h), '$(trash) 4/5 · 4/10');
  });

  it('a 429 from Veriff (another client spent the budget) marks the hour as spent and sends nothing more', async () => {
    h = await setUpBudget();
    const ids = seed(h, ['approved', 'approved']);
    for (let i = 0; i < 5; i++) {
      assert.equal(h.mock.server.state.tryTakeDeleteSlot(h.mock.apiKey).ok, true, 'another client spends the hour');
    }
    await withUser([{ confirm: 'Delete' }], async (user) => {
      const summary = await del(ids[0]);
      assert.deepEqual(summary?.failed, [ids[0]]);
      assert.match(user.messages('error').join('\n'), /429/);
    });
    assert.deepEqual(deleteAnswers(h), [429]);
    const snap = h.bar.snapshot();
    assert.equal(snap.text, `$(trash) 0/5 · 9/10${nextSlot(h)}`, 'the hour shows as spent; the 429 DELETE counted');
    assert.equal(snap.backgroundColor, 'statusBarItem.warningBackground', 'a 429 passes by itself: no error colour');
    assert.match(snap.tooltip, /Veriff answered 429/);
    await withUser([], async (user) => {
      await del(ids[1]);
      assert.match(user.messages().join('\n'), /Veriff answered 429 \(too many requests\): the next delete may go in 1 minute/);
    });
    assert.deepEqual(deleteAnswers(h), [429], 'nothing sent while blocked');
  });

  it("sees another window's spends through the shared store within 2 s", async () => {
    h = await setUpBudget();
    const [id] = seed(h, ['approved']);
    await withUser([{ confirm: 'Delete' }], () => del(id));
    assert.equal(statusText(h), '$(trash) 4/5 · 9/10');
    // Another window (another extension host: its own SharedStore on the same folder) deletes twice.
    const key = apiKeyFingerprint(h.mock.apiKey);
    const other = otherWindow(h);
    try {
      assert.equal((await other.reserveDelete(key)).ok, true);
      assert.equal((await other.reserveDelete(key)).ok, true);
      const seenAt = Date.now();
      await eventually(() => statusText(h!) === '$(trash) 2/5 · 7/10', "the other window's spends");
      assert.ok(Date.now() - seenAt <= 2000, `seen after ${Date.now() - seenAt} ms`);
    } finally {
      other.dispose();
    }
  });

  it('two windows reserving at once never both take the last slot: 5 granted of 10 asked', async () => {
    h = await setUpBudget();
    const key = apiKeyFingerprint(h.mock.apiKey);
    const other = otherWindow(h);
    try {
      const asks = Array.from({ length: 5 }, () => [h!.budget.reserve(key), other.reserveDelete(key)]).flat();
      const answers = await Promise.all(asks);
      const granted = answers.filter((a) => ('granted' in a ? a.granted : a.ok)).length;
      assert.equal(granted, 5);
      await eventually(() => statusText(h!).startsWith('$(trash) 0/5 · 5/10'), 'both windows see the same budget');
      assert.equal(other.readBudget(key).remaining(key).hour, 0);
    } finally {
      other.dispose();
    }
  });

  it('picks up deletes another window queued and sends them from here (no window works the queue yet)', async () => {
    h = await setUpBudget();
    const ids = seed(h, ['approved', 'declined']);
    const key = apiKeyFingerprint(h.mock.apiKey);
    const other = otherWindow(h);
    try {
      await other.enqueue(ids.map((id) => ({ id, integrationKey: key })));
    } finally {
      other.dispose();
    }
    await eventually(() => deleteAnswers(h!).length === 2, 'the adopted queue to be sent');
    await h.budget.whenIdle();
    assert.deepEqual(deleteAnswers(h), [200, 200]);
    await eventually(() => !h!.budget.lease.isHeld, 'the lease given back once the queue is empty');
    assert.equal(statusText(h), '$(trash) 3/5 · 8/10');
    assert.equal(h.s.sessions.store.list(h.integrationId).length, 0);
  });

  it('recovers a damaged budget file from its last good copy, with a log line', async () => {
    h = await setUpBudget();
    const key = apiKeyFingerprint(h.mock.apiKey);
    assert.equal((await h.budget.reserve(key)).granted, true);
    assert.equal((await h.budget.reserve(key)).granted, true);
    const file = budgetFile(h, key);
    fs.writeFileSync(file, 'not json {');
    const logged = h.s.log.recent().length;
    await h.budget.reload();
    assert.equal(statusText(h), '$(trash) 3/5 · 8/10', 'both spends recovered');
    assert.match(h.s.log.recent().slice(logged).join('\n'), /damaged|recovered/i);
  });
  it('one window opens one shared store (one watcher on the folder): the budget uses the sessions\' store, on the budget\'s clock, also after a reload', async () => {
    h = await setUpBudget({ credentials: false });
    assert.strictEqual(h.budget.store, h.s.sessions.shared, 'the budget opened a second store on the folder');
    assert.equal(h.s.sessions.shared.clock.now(), h.mock.clock.now(), "the store's clock follows the budget's time");
    h.mock.clock.advance(HOUR);
    assert.equal(h.s.sessions.shared.clock.now(), h.mock.clock.now());
    await h.budget.reload();
    assert.strictEqual(h.budget.store, h.s.sessions.shared, 'a reload opened another store');
  });

  it('"Show Delete Budget" shows the figures and the queue; Run Now sends what the budget allows when the queue does not go on by itself', async () => {
    h = await setUpBudget();
    await setting('continueQueueAutomatically', false);
    const order = sendingOrder(h, seed(h, Array(7).fill('approved')));
    await withUser([{ confirm: 'Tidy Up' }], async (user) => {
      const summary = await tidy();
      assert.equal(summary?.deleted.length, 5);
      assert.equal(summary?.queued.length, 2);
      assert.match(confirms(user)[0], /Queued sessions wait for "Run Now"/);
    });
    assert.equal(statusText(h), `$(trash) 0/5 · 5/10${nextSlot(h)} $(clock) 2 queued`);
    assert.match(h.bar.snapshot().tooltip, /only by "Run Now"/);
    await advanceTo(h, h.t0 + 2 * HOUR);
    assert.equal(deleteAnswers(h).length, 5, 'nothing goes by itself with the setting off');
    assert.equal(statusText(h), '$(trash) 5/5 · 5/10 $(clock) 2 queued');

    await withUser([{ pick: 'Run Now What the Budget Allows' }], async (user) => {
      const result = await showBudget();
      const pick = user.shown.find((x) => x.kind === 'quickPick')!;
      assert.match(pick.text, /Veriff Delete Budget \(Test\)/);
      const items = pick.detail.join('\n');
      assert.match(items, /5 of 5 deletes left this hour/);
      assert.match(items, /5 of 5 deletes left this hour[\s\S]*5 of 10 deletes left in 24 hours/);
      assert.match(items, /Run Now What the Budget Allows — 2 can go now/);
      assert.match(items, /Pause Queue/);
      assert.match(items, /Clear Queue/);
      for (const id of order.slice(5)) {
        assert.ok(items.includes(id.slice(0, 8)), 'each queued session is listed');
      }
      assert.equal(result?.action, 'runNow');
      assert.equal(result?.run?.deleted.length, 2);
      assert.match(user.messages('info').join('\n'), /Delete queue: 2 deleted, 0 still queued/);
    });
    assert.equal(deleteAnswers(h).length, 7);
    assert.equal(statusText(h), '$(trash) 3/5 · 3/10');
  });

  it('Pause Queue holds the queued deletes, Resume sends them, Clear Queue drops them but keeps the sessions tracked', async () => {
    h = await setUpBudget();
    const ids = seed(h, Array(9).fill('approved'));
    await withUser([{ confirm: 'Tidy Up' }], () => tidy());
    assert.equal(statusText(h), `$(trash) 0/5 · 5/10${nextSlot(h)} $(clock) 4 queued`);
    await withUser([{ pick: 'Pause Queue' }], () => showBudget());
    assert.equal(h.budget.isPaused, true);
    assert.match(h.bar.snapshot().tooltip, /The queue is paused/);
    await advanceTo(h, h.t0 + HOUR);
    assert.equal(deleteAnswers(h).length, 5, 'paused: nothing sent when the slots came back');
    assert.equal(h.timers.pending, 1, 'only the status bar waits (for the day window)');

    await withUser([{ pick: 'Resume Queue' }], () => showBudget());
    await h.budget.whenIdle();
    assert.equal(deleteAnswers(h).length, 9, 'resumed: the four queued ones went at once');
    assert.equal(statusText(h), '$(trash) 1/5 · 1/10');

    // Clear: a second tidy-up queues, then the queue is cleared; the sessions stay tracked.
    const more = seed(h, ['approved', 'approved'], 'run-2');
    await withUser([{ confirm: 'Tidy Up' }], () => tidy());
    assert.equal(statusText(h), `$(trash) 0/5 · 0/10${nextSlot(h)} $(clock) 1 queued`);
    await withUser([{ pick: 'Clear Queue' }], async (user) => {
      assert.equal((await showBudget())?.cleared, 1);
      assert.match(user.messages('info').join('\n'), /Cleared 1 queued deletes; the sessions stay tracked/);
    });
    assert.equal(statusText(h), `$(trash) 0/5 · 0/10${nextSlot(h)}`);
    assert.equal(h.budget.queue.size, 0);
    await advanceTo(h, h.t0 + 2 * DAY);
    assert.equal(deleteAnswers(h).length, 10);
    assert.equal(more.filter((id) => h!.s.sessions.store.get(h!.integrationId, id)).length, 1, 'the cleared one is still tracked');
    assert.equal(ids.filter((id) => h!.s.sessions.store.get(h!.integrationId, id)).length, 0);
  });

  it('only the window holding the lease sends queued deletes; a stale lease is taken over', async () => {
    h = await setUpBudget();
    seed(h, Array(7).fill('approved'));
    await withUser([{ confirm: 'Tidy Up' }], () => tidy());
    assert.equal(h.budget.lease.isHeld, true, 'the tidying window works the queue');
    assert.equal(h.budget.runner.state, 'started');

    // Another window takes the queue over (the user pressed Run Now there).
    const other = otherWindow(h);
    await other.acquireLease({ holder: 'window-2', ttlMs: 90_000, force: true });
    await eventually(() => !h!.budget.lease.isHeld, 'the lease to move');
    assert.equal(h.budget.runner.state, 'stopped');
    assert.equal(h.budget.overview().worker, 'otherWindow');
    assert.match(h.bar.snapshot().tooltip, /Another VS Code window sends the queued deletes/);
    await advanceTo(h, h.t0 + HOUR);
    assert.equal(deleteAnswers(h).length, 5, 'this window only displays the queue');
    assert.equal(statusText(h), '$(trash) 5/5 · 5/10 $(clock) 2 queued');

    // That window stops renewing: its lease expires and the next heartbeat here takes over.
    await other.acquireLease({ holder: 'window-2', ttlMs: 1, force: true });
    other.dispose();
    await new Promise((r) => setTimeout(r, 20));
    await h.budget.lease.check();
    assert.equal(h.budget.lease.isHeld, true);
    await h.budget.whenIdle();
    assert.equal(deleteAnswers(h).length, 7);
    assert.equal(h.budget.queue.size, 0);
    assert.equal(statusText(h), '$(trash) 3/5 · 3/10');
  });
  it('error colour only for what the user must fix: deletion not enabled (403, code 1301) until a DELETE goes through, unreadable credentials', async () => {
    h = await setUpBudget();
    const [a, b] = seed(h, ['approved', 'approved']);
    h.mock.server.state.setDeleteEnabled(h.mock.apiKey, false);
    await withUser([{ confirm: 'Delete' }], () => del(a));
    assert.deepEqual(deleteAnswers(h), [403]);
    const refused = h.bar.snapshot();
    assert.equal(refused.backgroundColor, 'statusBarItem.errorBackground');
    assert.equal(refused.text, '$(trash) 4/5 · 9/10 $(error)');
    assert.match(refused.tooltip, /Veriff has not enabled session deletion for Test \(403, code 1301\): ask Veriff support/);
    assert.match(refused.accessibilityLabel, /not enabled session deletion/);

    // Veriff support turned it on: the next DELETE goes through and the colour goes.
    h.mock.server.state.setDeleteEnabled(h.mock.apiKey, true);
    await withUser([{ confirm: 'Delete' }], () => del(b));
    assert.deepEqual(deleteAnswers(h), [403, 200]);
    assert.equal(h.bar.snapshot().backgroundColor, undefined);
    assert.equal(statusText(h), '$(trash) 3/5 · 8/10');

    // The secrets of the active integration are gone (another tool, a reset keyring): the item says so and leads to the fix.
    await h.s.context.secrets.delete(`veriff.credentials.${h.integrationId}`);
    await eventually(() => h!.bar.snapshot().command === 'veriff.setCredentials', 'the item to notice');
    const unreadable = h.bar.snapshot();
    assert.equal(unreadable.visible, true);
    assert.equal(unreadable.backgroundColor, 'statusBarItem.errorBackground');
    assert.equal(unreadable.text, '$(trash) $(error) Veriff credentials');
    assert.match(unreadable.tooltip, /The API key and shared secret of Test cannot be read: set the API credentials again/);
  });
});
