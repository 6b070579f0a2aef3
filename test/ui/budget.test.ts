import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { openExplorer, trackFromPalette, chooseFromContextMenu, chooseFromOpenMenu, confirmDialog, openVeriffSidebar, screenshot, useWorkbenchWithMockVeriff, waitForNotification, waitForText, setCredentialsFromPalette } from '../support/workbench';

/** The budget's status-bar entry (found by its accessible name, as a screen reader would). */
function budgetItem(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item', { has: page.locator('[aria-label^="Veriff delete budget"]') }).first();
}

describe('UI: the delete budget in the status bar and Tidy Up', function () {
  this.timeout(180000);
  let approved: string[];
  let submitted: string;
  const { wb, mock } = useWorkbenchWithMockVeriff((veriff) => {
    approved = [0, 1, 2].map(() => veriff.server.seedSession(veriff.apiKey, { status: 'approved' }).id);
    submitted = veriff.server.seedSession(veriff.apiKey, { status: 'submitted' }).id;
  });

  it('shows the budget once credentials exist and counts a delete: 4/5 · 9/10 (screenshot with its tooltip)', async () => {
    const page = wb().page;
    await openVeriffSidebar(page);
    assert.equal(await budgetItem(page).count(), 0, 'no credentials: no budget item');
    await setCredentialsFromPalette(page, mock());
    await waitForText(budgetItem(page), /5\/5 · 10\/10/);

    // Track from the Explorer: opening the Veriff view afterwards fetches the new sessions' statuses.
    await openExplorer(page);
    await trackFromPalette(page, [...approved, submitted], 'ui-run');
    const sidebar = await openVeriffSidebar(page);
    const row = sidebar.locator(`.monaco-list-row[aria-label*="${approved[0]}"]`);
    await waitForText(row, /approved/);

    // One delete from the row's context menu.
    await chooseFromContextMenu(page, row, 'Delete Session', { opens: page.locator('.monaco-dialog-box') });
    await confirmDialog(page, /This uses 1 of the 5 deletes left this hour \(10 left today\)/);
    await row.waitFor({ state: 'detached', timeout: 30000 });

    const item = budgetItem(page);
    await waitForText(item, /4\/5 · 9\/10/);
    assert.match((await item.textContent()) ?? '', /^\s*4\/5 · 9\/10\s*$/, 'no queue yet');
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Veriff delete budget' }).first();
    await waitForText(hover, /This hour: 4 of 5 deletes left[\s\S]*Last 24 hours: 9 of 10 deletes left/);
    const file = await screenshot(page, 'status-bar-budget', { readme: true });
    assert.ok(fs.statSync(file).size > 1000);
    assert.equal(mock().server.deleteRequests().length, 1);
    await page.mouse.move(700, 300);
  });

  it('"Tidy Up Test Sessions" from the view title\'s overflow menu: confirm the plan, deletes the deletable ones, summary notification (screenshot)', async () => {
    const page = wb().page;
    const sidebar = await openVeriffSidebar(page);
    // A destructive bulk action: not a toolbar button, an entry of the "…" menu.
    assert.equal(await sidebar.locator('.composite.title .action-label[aria-label^="Tidy Up Test Sessions"]').count(), 0);
    await sidebar.locator('.composite.title .action-label[aria-label*="More Actions"]').first().click();
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 15000 });
    await chooseFromOpenMenu(page, menu, 'Tidy Up Test Sessions');
    const text = await confirmDialog(page, /Tidy up the test sessions of UI Test\?/, 'Tidy Up');
    assert.match(text, /Delete 2 sessions now; 1 is not deletable yet \(submitted\/in review\)\./);
    assert.match(text, /This uses 2 of the 4 deletes left this hour \(9 left today\)\./);

    await waitForText(budgetItem(page), /2\/5 · 7\/10/);
    for (const id of approved) {
      await sidebar.locator(`.monaco-list-row[aria-label*="${id}"]`).waitFor({ state: 'detached', timeout: 30000 });
    }
    await waitForNotification(page, /Tidy-up of UI Test: deleted 2, not deletable yet 1 \(.*submitted.*\)\./, {
      screenshot: 'tidy-up-summary',
      readme: true,
      until: (text) => !/Tidying up .*: deleting/.test(text), // the progress entry has gone
    });
    const sent = mock().server.deleteRequests();
    assert.deepEqual(
      sent.map((r) => r.path).sort(),
      approved.map((id) => `/v1/sessions/${id}`).sort(),
      'one DELETE per approved session, none for the submitted one',
    );
    assert.ok(sent.every((r) => r.status === 200));
    assert.ok(mock().server.state.getSession(submitted), 'the submitted session is still at Veriff');
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${submitted}"]`), /submitted/);
  });
});
