import * as assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { answerQuickInput, confirmDialog, openVeriffSidebar, runFromPalette, screenshot, useWorkbench, waitForText, type OpenOptions } from '../support/workbench';

/** Opens the notification center from the status bar's bell, as a user would. */
async function openNotificationCenter(page: Page): Promise<void> {
  const center = page.locator('.notifications-center');
  if (!(await center.isVisible())) {
    await page.locator('.statusbar').getByRole('button', { name: /notification/i }).first().click();
  }
  await center.waitFor({ state: 'visible', timeout: 15000 });
}

/**
 * Waits for a notification in the center (this workbench files extension notifications there
 * without a toast); the center closes when another part takes the focus (the task's terminal), so
 * it is opened again, as a user would, until the notification is there.
 */
async function waitForNotificationItem(page: Page, pattern: RegExp, timeoutMs: number): Promise<Locator> {
  const item = page.locator('.notifications-center .notification-list-item', { hasText: pattern });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await openNotificationCenter(page);
    if (await item.first().isVisible()) {
      return item;
    }
    assert.ok(Date.now() < deadline, `notification ${pattern} did not appear`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('UI: "Tidy up?" when a test run ends', function () {
  this.timeout(180000);
  let mock: MockVeriff | undefined;
  let ids: string[] = [];
  // The workspace: a task that appends three sessions to the tracking file, as a test suite would.
  const opts: OpenOptions = {};
  const wb = useWorkbench(opts, {
    beforeOpen: async () => {
      mock = await startMockVeriff();
      ids = [0, 1, 2].map(() => mock!.server.seedSession(mock!.apiKey, { status: 'approved' }).id);
      const lines = ids.map((id) => JSON.stringify({ id, run: 'e2e-ui' }));
      const script = `const fs = require('fs'); for (const l of ${JSON.stringify(lines)}) fs.appendFileSync('.veriff-sessions.jsonl', l + '\\n'); setTimeout(() => {}, 1000);`;
      opts.files = {
        'append-sessions.js': script,
        '.vscode/tasks.json': JSON.stringify({
          version: '2.0.0',
          tasks: [{ label: 'npm run e2e', type: 'process', command: process.execPath, args: ['append-sessions.js'], options: { cwd: '${workspaceFolder}' }, problemMatcher: [] }],
        }),
      };
    },
    afterClose: async () => {
      await mock?.server.close();
    },
  });

  it('a task appends sessions to the tracking file: one offer when it ends; "Tidy Up This Run" deletes them after the confirmation', async () => {
    const page = wb().page;
    await openVeriffSidebar(page);
    await runFromPalette(page, 'Veriff: Set API Credentials');
    const widget = page.locator('.quick-input-widget');
    await answerQuickInput(page, /A name for this integration/, 'UI Test');
    await waitForText(widget, /2\/4/); // one multi-step input: the step count in its title
    await answerQuickInput(page, /API URL from the Veriff Customer Portal/, mock!.server.url);
    await answerQuickInput(page, /API key \(a UUID\)/, mock!.apiKey);
    assert.equal(await widget.locator('input[type="password"]').count(), 1, 'the key box is masked');
    await answerQuickInput(page, /Shared secret key/, mock!.sharedSecret);
    await widget.waitFor({ state: 'hidden', timeout: 15000 });

    await runFromPalette(page, 'Tasks: Run Task');
    const task = widget.locator('.monaco-list-row', { hasText: 'npm run e2e' }).first();
    await task.waitFor({ timeout: 15000 });
    await task.click();

    const offer = await waitForNotificationItem(page, /`npm run e2e` left 3 Veriff sessions \(3 deletable now\)/, 60000);
    await screenshot(page, 'tidy-up-offer');
    assert.equal(await offer.count(), 1, 'one offer for the run');
    await offer.first().getByRole('button', { name: 'Tidy Up This Run' }).click();
    await confirmDialog(page, /Tidy up run "e2e-ui" \(UI Test\)\?.*Delete 3 sessions now/s, 'Tidy Up');

    const deadline = Date.now() + 30000;
    while (mock!.server.deleteRequests().length < 3) {
      assert.ok(Date.now() < deadline, `three DELETEs (got ${mock!.server.deleteRequests().length})`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(mock!.server.deleteRequests().map((r) => r.path).sort(), ids.map((id) => `/v1/sessions/${id}`).sort());
    assert.ok(mock!.server.deleteRequests().every((r) => r.status === 200));
    await openNotificationCenter(page);
    assert.equal(await page.locator('.notifications-center .notification-list-item', { hasText: /left \d+ Veriff sessions/ }).count(), 0, 'the offer closed with the click, and no second one came');
  });
});
