import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { openVeriffSidebar, openWorkbench, runFromPalette, screenshot, waitForText, type Workbench } from '../support/workbench';

/** Answers the quick input that shows `prompt` with `text` and Enter. */
async function answer(page: Page, prompt: RegExp, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await waitForText(widget, prompt);
  await widget.locator('input').first().fill(text);
  await page.keyboard.press('Enter');
}

/** Checks the modal's text and clicks `button`. */
async function confirmDialog(page: Page, expected: RegExp, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const text = await waitForText(dialog, expected);
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button}$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 15000 });
  return text;
}

/** Opens the Veriff container from the activity bar (the deletable-sessions badge sits on top of the icon, so click through it). */
async function showVeriff(page: Page): Promise<Locator> {
  const container = page.locator('.sidebar .composite.title', { hasText: /veriff/i }).first();
  if (!(await container.isVisible())) {
    await page.locator('.activitybar .action-item a[aria-label^="Veriff"]').first().click({ force: true });
  }
  await container.waitFor({ timeout: 30000 });
  return page.locator('.sidebar');
}

/**
 * Waits for a notification, then takes a screenshot of it. This workbench files extension
 * notifications in the notification center (no toast), so it is opened from the status bar's
 * bell, as a user would, and cleared afterwards.
 */
async function notification(page: Page, pattern: RegExp, shot: string, timeoutMs = 30000): Promise<string> {
  const center = page.locator('.notifications-center');
  const bell = page.locator('.statusbar').getByRole('button', { name: /notification/i }).first();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!(await center.isVisible())) {
      await bell.click();
    }
    last = ((await center.textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
    // Once the summary is there and the progress entry has gone.
    if (pattern.test(last) && !/Tidying up .*: deleting/.test(last)) {
      // Expanded, so the whole summary is in the picture.
      const item = center.locator('.notification-list-item', { hasText: pattern }).first();
      const expand = item.getByRole('button', { name: /expand/i }).first();
      if (await expand.isVisible().catch(() => false)) {
        await expand.click();
      }
      await page.mouse.move(700, 300);
      await screenshot(page, shot);
      await center.getByRole('button', { name: /clear all/i }).first().click();
      await center.waitFor({ state: 'hidden', timeout: 15000 }).catch(() => undefined);
      return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`notification ${pattern} did not appear; the notification center shows: ${last.slice(0, 300)}`);
}

/** The budget's status-bar entry (found by its accessible name, as a screen reader would). */
function budgetItem(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item', { has: page.locator('[aria-label^="Veriff delete budget"]') }).first();
}

describe('UI: the delete budget in the status bar and Tidy Up', function () {
  this.timeout(180000);
  let wb: Workbench;
  let mock: MockVeriff;
  let approved: string[];
  let submitted: string;

  before(async function () {
    mock = await startMockVeriff();
    approved = [0, 1, 2].map(() => mock.server.seedSession(mock.apiKey, { status: 'approved' }).id);
    submitted = mock.server.seedSession(mock.apiKey, { status: 'submitted' }).id;
    wb = await openWorkbench();
  });

  after(async function () {
    await wb?.close();
    await mock?.server.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      await screenshot(wb.page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  it('shows the budget once credentials exist and counts a delete: 4/5 · 9/10 (screenshot with its tooltip)', async () => {
    const page = wb.page;
    await openVeriffSidebar(page);
    assert.equal(await budgetItem(page).count(), 0, 'no credentials: no budget item');
    await runFromPalette(page, 'Veriff: Set API Credentials');
    await answer(page, /A name for this integration/, 'UI Test');
    await answer(page, /API URL from the Veriff Customer Portal/, mock.server.url);
    await answer(page, /API key \(a UUID\)/, mock.apiKey);
    await answer(page, /Shared secret key/, mock.sharedSecret);
    await waitForText(budgetItem(page), /5\/5 · 10\/10/);

    // Track from the Explorer: opening the Veriff view afterwards fetches the new sessions' statuses.
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    await page.locator('.sidebar .composite.title', { hasText: /explorer/i }).first().waitFor({ timeout: 30000 });
    await runFromPalette(page, 'Veriff: Track Sessions…');
    await answer(page, /Session ids to track/, [...approved, submitted].join(' '));
    await answer(page, /Run label/, 'ui-run');
    const sidebar = await showVeriff(page);
    const row = sidebar.locator(`.monaco-list-row[aria-label*="${approved[0]}"]`);
    await waitForText(row, /approved/);

    // One delete from the row's context menu.
    await row.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 15000 });
    const entry = menu.locator('.action-item', { hasText: 'Delete Session' }).first();
    await entry.hover();
    // A click right after the menu opens can be ignored by the workbench; focus + Enter is reliable.
    await entry.locator('.action-menu-item').first().focus();
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 15000 });
    await confirmDialog(page, /This uses 1 of the 5 deletes left this hour \(10 left today\)/, 'Delete');
    await row.waitFor({ state: 'detached', timeout: 30000 });

    const item = budgetItem(page);
    await waitForText(item, /4\/5 · 9\/10/);
    assert.match((await item.textContent()) ?? '', /^\s*4\/5 · 9\/10\s*$/, 'no queue yet');
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Veriff delete budget' }).first();
    await waitForText(hover, /This hour: 4 of 5 deletes left[\s\S]*Last 24 hours: 9 of 10 deletes left/);
    const file = await screenshot(page, 'status-bar-budget');
    assert.ok(fs.statSync(file).size > 1000);
    assert.equal(mock.server.deleteRequests().length, 1);
    await page.mouse.move(700, 300);
  });

  it('"Tidy Up Test Sessions" from the view title: confirm the plan, deletes the deletable ones, summary notification (screenshot)', async () => {
    const page = wb.page;
    const sidebar = await showVeriff(page);
    await sidebar.locator('.composite.title .action-label[aria-label^="Tidy Up Test Sessions"]').first().click();
    const text = await confirmDialog(page, /Tidy up the test sessions of UI Test\?/, 'Tidy Up');
    assert.match(text, /Delete 2 sessions now; 1 is not deletable yet \(submitted\/in review\)\./);
    assert.match(text, /This uses 2 of the 4 deletes left this hour \(9 left today\)\./);

    await waitForText(budgetItem(page), /2\/5 · 7\/10/);
    for (const id of approved) {
      await sidebar.locator(`.monaco-list-row[aria-label*="${id}"]`).waitFor({ state: 'detached', timeout: 30000 });
    }
    await notification(page, /Tidy-up of UI Test: deleted 2, not deletable yet 1 \(.*submitted.*\)\./, 'tidy-up-summary');
    const sent = mock.server.deleteRequests();
    assert.deepEqual(
      sent.map((r) => r.path).sort(),
      approved.map((id) => `/v1/sessions/${id}`).sort(),
      'one DELETE per approved session, none for the submitted one',
    );
    assert.ok(sent.every((r) => r.status === 200));
    assert.ok(mock.server.state.getSession(submitted), 'the submitted session is still at Veriff');
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${submitted}"]`), /submitted/);
  });
});
