import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DeleteSummary } from '../../src/vscode/commands/sessions/deleteSession';
import type { Services } from '../../src/vscode/services';
import { clearBudgetState } from './budgetHarness';
import { removeAllIntegrations, services, withUser } from './helpers';

/**
 * The spurious "budget" refusal seen in the UI layer: right after the sandbox started, a delete was
 * refused as over budget while the status bar showed 5/5, because the budget read the clock twice
 * (a millisecond apart) and a free slot looked taken. Now one reading decides, and the slot is
 * reserved at the moment of sending.
 */
describe('start the sandbox and delete at once', () => {
  let s: Services;

  before(async () => {
    s = await services();
    await removeAllIntegrations();
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', false, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', undefined, vscode.ConfigurationTarget.Global);
    await clearBudgetState(s);
    await s.budgetService!.reload();
    await removeAllIntegrations();
  });

  it('deletes by id right after the sandbox starts, 20 times in a row, with no budget refusal', async () => {
    for (let round = 0; round < 20; round++) {
      // Each round starts from a full budget, the state in which the refusal was seen.
      await clearBudgetState(s);
      await s.budgetService!.reload();
      await withUser([], async (user) => {
        await vscode.commands.executeCommand('veriff.startSandbox');
        const running = s.sandbox.running!;
        running.state.reset(); // its delete history too: each round meets a sandbox with its full hour, like a new one
        const id = running.state.createSession(running.credentials.apiKey, { status: 'approved' }).id;
        const summary = await vscode.commands.executeCommand<DeleteSummary>('veriff.deleteSession', id);
        assert.deepEqual(summary?.deleted, [id], `round ${round}: ${JSON.stringify(summary)} ${user.messages().join(' | ')}`);
        assert.deepEqual(summary?.notSent, [], `round ${round}`);
        assert.equal(running.state.getSession(id), undefined, `round ${round}: gone at the sandbox`);
        assert.equal(await vscode.commands.executeCommand('veriff.stopSandbox'), true);
        user.dismissAll();
      });
    }
  });
});
