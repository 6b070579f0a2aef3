import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DeleteSummary } from '../../src/vscode/commands/sessions/deleteSession';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import { eventually, seed, setting, setUpBudget, statusText, tearDownBudget, type BudgetHarness } from './budgetHarness';
import { withUser } from './helpers';

/** Runs the other window's deletes in a process of its own (test/support/otherWindowDeleter). */
function otherWindowDeletes(h: BudgetHarness, ids: string[]): Promise<string[]> {
  const job = {
    dir: h.s.context.globalStorageUri.fsPath,
    url: h.mock.server.url,
    apiKey: h.mock.apiKey,
    sharedSecret: h.mock.sharedSecret,
    key: apiKeyFingerprint(h.mock.apiKey),
    ids,
  };
  const script = path.join(__dirname, '..', 'support', 'otherWindowDeleter.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, JSON.stringify(job)], { timeout: 60_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${error.message}\n${stderr}`));
      } else {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as string[]);
      }
    });
  });
}

describe('many windows, one API key', () => {
  let h: BudgetHarness | undefined;

  afterEach(async () => {
    await tearDownBudget(h);
    h = undefined;
  });

  it('two extension hosts deleting at once from one key: at most 5 DELETEs in the hour, 0 × 429, and this window shows the spent budget within 2 s', async function () {
    this.timeout(120_000);
    h = await setUpBudget({ systemClock: true });
    await setting('confirmBeforeDelete', false);
    const mine = seed(h, Array(5).fill('approved'));
    const theirs = seed(h, Array(5).fill('approved'));
    const [summary, answers] = await withUser([], async (user) => {
      const both = await Promise.all([
        vscode.commands.executeCommand<DeleteSummary>('veriff.deleteSession', mine),
        otherWindowDeletes(h!, theirs),
      ]);
      user.dismissAll();
      return both;
    });
    const deletes = h.mock.server.deleteRequests(h.mock.apiKey);
    assert.ok(deletes.length <= 5, `${deletes.length} DELETEs reached Veriff`);
    assert.equal(deletes.filter((d) => d.status === 429).length, 0, 'no 429');
    const sentHere = summary?.deleted.length ?? 0;
    const sentThere = answers.filter((a) => a === 'deleted').length;
    assert.equal(sentHere + sentThere, 5, `here ${JSON.stringify(summary)}, there ${JSON.stringify(answers)}`);
    const seenFrom = Date.now();
    await eventually(() => statusText(h!).startsWith('$(trash) 0/5 · 5/10'), 'the same budget in this window');
    assert.ok(Date.now() - seenFrom <= 2000, `seen after ${Date.now() - seenFrom} ms`);
  });
});
