import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from './helpers';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { setUpBudget, tearDownBudget, type BudgetHarness } from './budgetHarness';
import type { UserInput } from '../../src/vscode/userInput';

const WORKSPACE = process.env.VERIFF_TEST_WORKSPACE ?? '';


/**
 * A test run as a task: a Node process that appends `lines` to `file` (as a test suite does), then
 * keeps running until `done` exists, so the test can look at the moment between.
 */
function testRunTask(name: string, file: string, lines: string[], done: string): vscode.Task {
  const script = `
    const fs = require('fs');
    for (const line of ${JSON.stringify(lines)}) fs.appendFileSync(${JSON.stringify(file)}, line + '\\n');
    const started = Date.now();
    const wait = setInterval(() => {
      if (fs.existsSync(${JSON.stringify(done)}) || Date.now() - started > 60000) { clearInterval(wait); process.exit(0); }
    }, 50);`;
  const folder = vscode.workspace.workspaceFolders![0];
  return new vscode.Task({ type: 'veriff-test-run' }, folder, name, 'Workspace', new vscode.ProcessExecution(process.execPath, ['-e', script]));
}

function taskEnded(name: string): Promise<void> {
  return new Promise((resolve) => {
    const sub = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name === name) {
        sub.dispose();
        resolve();
      }
    });
  });
}

describe('"Tidy up?" when a test run ends', function () {
  this.timeout(120000);
  let h: BudgetHarness | undefined;
  let dir: string;
  let user: ScriptedUserInput;
  /** The tasks' terminals, closed after each test (they would hold the "last terminal command"). */
  let terminals: vscode.Terminal[] = [];
  let opened: vscode.Disposable | undefined;
  let realUi: UserInput | undefined;
  const offers = () => user.messages('info').filter((m) => /left \d+ Veriff sessions?/.test(m));

  beforeEach(async () => {
    assert.ok(WORKSPACE && fs.existsSync(WORKSPACE), 'VERIFF_TEST_WORKSPACE is the opened folder');
    h = await setUpBudget();
    realUi = h.s.ui;
    terminals = [];
    opened = vscode.window.onDidOpenTerminal((t) => terminals.push(t));
    dir = path.join(WORKSPACE, `run-${randomUUID().slice(0, 8)}`);
    fs.mkdirSync(dir, { recursive: true });
  });

  afterEach(async () => {
    opened?.dispose();
    for (const t of terminals) {
      t.dispose();
    }
    h!.s.ui = realUi!;
    await vscode.workspace.getConfiguration('veriff').update('offerTidyUpAfterTestRun', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(dir, { recursive: true, force: true });
    await tearDownBudget(h);
    h = undefined;
  });

  it('after a task that appended to the tracking file: one offer, only once the task ended, and its button tidies that run', async () => {
    const ids = [0, 1, 2].map(() => h!.mock.server.seedSession(h!.mock.apiKey, { status: 'approved' }).id);
    const file = path.join(dir, '.veriff-sessions.jsonl');
    const done = path.join(dir, 'done');
    user = new ScriptedUserInput([{ message: 'Tidy Up This Run' }, { confirm: 'Tidy Up' }]);
    h!.s.ui = user;
    const ended = taskEnded('npm run e2e');
    await vscode.tasks.executeTask(testRunTask('npm run e2e', file, ids.map((id) => JSON.stringify({ id, run: 'e2e-42' })), done));

    // While the run goes on, its sessions are tracked (the file is watched), and nothing is offered.
    await until('the appended sessions to be tracked', () => ids.every((id) => h!.s.sessions.store.has(h!.integrationId, id)));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(offers(), [], 'no offer during the run');

    fs.writeFileSync(done, '');
    await ended;
    await until('the offer', () => offers().length > 0);
    assert.equal(offers()[0], '`npm run e2e` left 3 Veriff sessions (3 deletable now).');
    const shown = user.shown.find((x) => x.text === offers()[0])!;
    assert.deepEqual(shown.detail, ['Tidy Up This Run', 'Not now', "Don't ask again"]);

    // The button tidied run "e2e-42": confirmed, then each session deleted once.
    await until('the three DELETEs', () => h!.mock.server.deleteRequests().length === 3);
    await h!.budget.whenIdle();
    assert.match(user.shown.find((x) => x.kind === 'confirm')!.text, /Tidy up run "e2e-42" \(Test\)\?/);
    assert.deepEqual(h!.mock.server.deleteRequests().map((r) => r.path).sort(), ids.map((id) => `/v1/sessions/${id}`).sort());
    assert.ok(ids.every((id) => !h!.s.sessions.store.has(h!.integrationId, id)));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(offers().length, 1, 'one notification for the run (its task terminal\'s shell execution is the same run)');
    user.assertDone();
  });

  it('offers nothing after a run that added nothing, nor with the setting off; "Don\'t ask again" turns the setting off', async () => {
    const file = path.join(dir, '.veriff-sessions.jsonl');
    user = new ScriptedUserInput([]);
    h!.s.ui = user;
    // Added nothing.
    let ended = taskEnded('quiet run');
    fs.writeFileSync(path.join(dir, 'done-1'), '');
    await vscode.tasks.executeTask(testRunTask('quiet run', file, [], path.join(dir, 'done-1')));
    await ended;
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual(offers(), []);

    // "Don't ask again" on one offer.
    const first = h!.mock.server.seedSession(h!.mock.apiKey, { status: 'approved' }).id;
    user.push({ message: "Don't ask again" });
    ended = taskEnded('run two');
    fs.writeFileSync(path.join(dir, 'done-2'), '');
    await vscode.tasks.executeTask(testRunTask('run two', file, [JSON.stringify({ id: first })], path.join(dir, 'done-2')));
    await ended;
    await until('the offer', () => offers().length === 1);
    assert.match(offers()[0], /^`run two` left 1 Veriff session \(1 deletable now\)\.$/);
    await until('the setting to be off', () => vscode.workspace.getConfiguration('veriff').get('offerTidyUpAfterTestRun') === false);

    // Off: the next run's sessions are tracked, but nothing is offered.
    const second = h!.mock.server.seedSession(h!.mock.apiKey, { status: 'approved' }).id;
    ended = taskEnded('run three');
    fs.writeFileSync(path.join(dir, 'done-3'), '');
    await vscode.tasks.executeTask(testRunTask('run three', file, [JSON.stringify({ id: second })], path.join(dir, 'done-3')));
    await ended;
    await until('the session to be tracked', () => h!.s.sessions.store.has(h!.integrationId, second));
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(offers().length, 1, 'no second offer');
    assert.equal(h!.mock.server.deleteRequests().length, 0, 'nothing was deleted without a click');
    user.assertDone();
  });
});
