import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import { setting, setUpBudget, tearDownBudget, type BudgetHarness } from './budgetHarness';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The budget and the queue live in the shared file store (what a restart and every other window
// read); the last test checks the globalState writes the extension still makes for other parts.
describe('delete budget: saves that overlap', () => {
  let h: BudgetHarness | undefined;

  afterEach(async () => {
    await tearDownBudget(h);
    h = undefined;
  });

  it('keeps every spend and every queued delete across a restart when budget and queue change moments apart', async () => {
    h = await setUpBudget();
    await setting('continueQueueAutomatically', false); // the queue is only stored here, not sent
    const key = apiKeyFingerprint(h.mock.apiKey);
    const budgetIds = () => (h!.budget.ledger.toJSON().integrations[key]?.spends ?? []).map((s) => s.id).sort();
    const queueIds = () => h!.budget.queue.items().map((i) => i.id).sort();
    const storedBudget = () => (h!.budget.store.readBudget(key).toJSON().integrations[key]?.spends ?? []).map((s) => s.id).sort();
    const storedQueue = () => h!.budget.store.readQueue().items().map((i) => i.id).sort();
    const lost: string[] = [];
    // Spends and queue changes at every small gap, both ways round; after each round what the store
    // holds (what a restart or another window reads) must be what this window has.
    for (let round = 0; round < 12; round++) {
      const gap = round % 6;
      h.budget.enqueue([{ id: randomUUID(), integrationKey: key }]);
      await pause(gap);
      await h.budget.reserve(key);
      await h.budget.flush();
      if (storedBudget().join() !== budgetIds().join() || storedQueue().join() !== queueIds().join()) {
        lost.push(`round ${round}: a reservation ${gap} ms after queueing is not stored as this window has it`);
      }
      h.budget.dequeue([h.budget.queue.items()[0].id]);
      h.budget.enqueue([{ id: randomUUID(), integrationKey: key }, { id: randomUUID(), integrationKey: key }]);
      await h.budget.flush();
      if (storedQueue().join() !== queueIds().join()) {
        lost.push(`round ${round}: queue changes are not stored as this window has them`);
      }
    }
    assert.deepEqual(lost, []);
    const spends = budgetIds();
    const queued = queueIds();
    assert.equal(spends.length, 5, 'only what the budget allowed (5 in the hour) was reserved');
    assert.equal(queued.length, 24);

    await h.budget.reload();
    assert.deepEqual(budgetIds(), spends, 'the restart brings back every spend');
    assert.deepEqual(queueIds(), queued, 'and every queued delete');
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
