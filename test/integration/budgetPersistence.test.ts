import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BUDGET_STATE_KEY, QUEUE_STATE_KEY } from '../../src/vscode/budget/budgetService';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import { nextSlot, setting, setUpBudget, statusText, tearDownBudget, type BudgetHarness } from './budgetHarness';

interface StoredBudget {
  integrations: Record<string, { spends: Array<{ id: string }> }>;
}
interface StoredQueue {
  items: Array<{ id: string }>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// VS Code writes an extension's globalState as one object and its echo replaces the extension
// host's copy: a write made while another key's write is on its way was undone (a spend gone after a
// restart). These drive the real globalState of the extension host at the gaps where that happened.
describe('delete budget: saves that overlap', () => {
  let h: BudgetHarness | undefined;

  afterEach(async () => {
    await tearDownBudget(h);
    h = undefined;
  });

  it('keeps every spend and every queued delete across a restart when budget and queue are saved moments apart', async () => {
    h = await setUpBudget();
    await setting('continueQueueAutomatically', false); // the queue is only saved here, not sent
    const key = apiKeyFingerprint(h.mock.apiKey);
    const budgetIds = () => (h!.budget.ledger.toJSON().integrations[key]?.spends ?? []).map((s) => s.id).sort();
    const queueIds = () => h!.budget.queue.items().map((i) => i.id);
    const storedBudget = () => (h!.s.context.globalState.get<StoredBudget>(BUDGET_STATE_KEY)?.integrations[key]?.spends ?? []).map((s) => s.id).sort();
    const storedQueue = () => (h!.s.context.globalState.get<StoredQueue>(QUEUE_STATE_KEY)?.items ?? []).map((i) => i.id);
    const lost: string[] = [];
    // The gaps between a DELETE's spend and the queue's save during a tidy-up, both ways round;
    // after each round what global state holds (what a restart reads) must be what the window has.
    for (let round = 0; round < 16; round++) {
      const gap = round % 16;
      h.budget.enqueue([{ id: randomUUID(), integrationKey: key }]);
      await pause(gap);
      h.budget.ledger.recordSpend(key); // unchecked: this test is about saves, not the limit
      await h.budget.flush();
      await pause(20); // a late echo of an older object would land now
      if (storedBudget().length !== budgetIds().length) {
        lost.push(`round ${round}: a spend made ${gap} ms after a queue save is not stored`);
      }
      h.budget.ledger.recordSpend(key); // unchecked: this test is about saves, not the limit
      await pause(gap);
      h.budget.enqueue([{ id: randomUUID(), integrationKey: key }]);
      await h.budget.flush();
      await pause(20);
      if (storedQueue().length !== queueIds().length) {
        lost.push(`round ${round}: a delete queued ${gap} ms after a spend is not stored`);
      }
    }
    assert.deepEqual(lost, []);
    const spends = budgetIds();
    const queued = queueIds();
    assert.equal(spends.length, 32);
    assert.equal(queued.length, 32);
    assert.deepEqual(storedBudget(), spends, 'every spend is in global state');
    assert.deepEqual(storedQueue(), queued, 'every queued delete is in global state');

    await h.budget.reload();
    assert.deepEqual(budgetIds(), spends, 'the restart brings back every spend');
    assert.deepEqual(queueIds(), queued, 'and every queued delete');
    assert.equal(statusText(h), `$(trash) 0/5 · 0/10${nextSlot(h)} $(clock) 32 queued`);
  });

  it('a value written by one part is not undone by another part writing its key just before', async () => {
    h = await setUpBudget();
    const state = h.s.context.globalState;
    const undone: string[] = [];
    for (let round = 0; round < 20; round++) {
      const gap = round % 13;
      const first = state.update('veriff.test.first', round);
      await pause(gap);
      const second = state.update('veriff.test.second', round);
      for (let i = 0; i < 10; i++) {
        if (state.get('veriff.test.second') !== round) {
          undone.push(`round ${round}: read back ${String(state.get('veriff.test.second'))}`);
          break;
        }
        await pause(2);
      }
      await Promise.all([first, second]);
      if (state.get('veriff.test.second') !== round) {
        undone.push(`round ${round}: lost`);
      }
    }
    await state.update('veriff.test.first', undefined);
    await state.update('veriff.test.second', undefined);
    assert.deepEqual(undone, []);
  });
});
