import * as assert from 'node:assert/strict';
import { sign } from '../../src/core/signing';
import { checkInQuickPick, openExplorer, pollUntil, trackFromPalette, chooseFromContextMenu, confirmDialog, openVeriffSidebar, runFromPalette, screenshot, useWorkbenchWithMockVeriff, waitForText, setCredentialsFromPalette } from '../support/workbench';

describe('UI: Delete Session from the Veriff sidebar', function () {
  this.timeout(180000);
  let ids: string[];
  const { wb, mock } = useWorkbenchWithMockVeriff((veriff) => {
    ids = [0, 1, 2, 3, 4].map(() => veriff.server.seedSession(veriff.apiKey, { status: 'approved' }).id);
  });

  it('sets credentials and tracks sessions through the palette; the tree shows them with their fetched status', async () => {
    const page = wb().page;
    // The Veriff icon in the activity bar means the extension's contributions are loaded; then
    // back to the Explorer, so that the Veriff view opens again once the sessions are tracked.
    await openVeriffSidebar(page);
    await openExplorer(page);
    await setCredentialsFromPalette(page, mock());
    await trackFromPalette(page, ids, 'ui-run');

    const sidebar = await openVeriffSidebar(page);
    await waitForText(sidebar.locator('.monaco-list-row', { hasText: 'ui-run' }).first(), /ui-run.*5 sessions/);
    for (const id of ids) {
      // Opening the view refreshed the unknown statuses by itself.
      await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${id}"]`), new RegExp(`${id.slice(0, 8)}.*approved`));
    }
    await waitForText(sidebar, /UI Test/); // the view's description: the active integration
    await screenshot(page, 'tree', { readme: true });
    assert.equal(mock().server.deleteRequests().length, 0);
  });

  it('right-click → Delete Session → confirm: the row disappears and Veriff got one signed DELETE', async () => {
    const page = wb().page;
    const sidebar = page.locator('.sidebar');
    const row = sidebar.locator(`.monaco-list-row[aria-label*="${ids[0]}"]`);
    await chooseFromContextMenu(page, row, 'Delete Session', { screenshot: 'context-menu-delete', readme: true, opens: page.locator('.monaco-dialog-box') });
    // The cost sentence comes from the delete budget when it is wired, else the default one.
    await confirmDialog(page, new RegExp(`Delete session ${ids[0].slice(0, 8)}\\?.*This uses 1 of (Veriff's delete budget|the \\d+ deletes? left)`, 's'));
    await row.waitFor({ state: 'detached', timeout: 30000 });
    const sent = mock().server.deleteRequests();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].path, `/v1/sessions/${ids[0]}`);
    assert.equal(sent[0].apiKey, mock().apiKey);
    assert.equal(sent[0].signature, sign(ids[0], mock().sharedSecret));
    assert.equal(sent[0].status, 200);
    assert.equal(mock().server.state.getSession(ids[0]), undefined);
    await sidebar.locator(`.monaco-list-row[aria-label*="${ids[1]}"]`).waitFor({ timeout: 5000 });
  });

  it('"Veriff: Delete Session" from the palette: check a session in the quick pick, confirm, gone', async () => {
    const page = wb().page;
    await runFromPalette(page, 'Veriff: Delete Session');
    const widget = page.locator('.quick-input-widget');
    await waitForText(widget, /Veriff: Delete Session \(UI Test\)/);
    await checkInQuickPick(page, ids[1]);
    await page.keyboard.press('Enter');
    await confirmDialog(page, new RegExp(`Delete session ${ids[1].slice(0, 8)}\\?`));
    const row = page.locator(`.sidebar .monaco-list-row[aria-label*="${ids[1]}"]`);
    await row.waitFor({ state: 'detached', timeout: 30000 });
    const sent = mock().server.deleteRequests();
    assert.deepEqual(
      sent.map((r) => r.path),
      [`/v1/sessions/${ids[0]}`, `/v1/sessions/${ids[1]}`],
    );
    assert.equal(sent[1].signature, sign(ids[1], mock().sharedSecret));
    assert.ok(mock().server.state.getSession(ids[2]), 'the third session was not touched');
    await screenshot(page, 'delete-from-palette');
  });

  it('Delete key on a focused row: the cost modal, then the row is gone', async () => {
    const page = wb().page;
    const row = page.locator(`.sidebar .monaco-list-row[aria-label*="${ids[2]}"]`);
    await row.click();
    await page.locator(`.sidebar .monaco-list-row.selected[aria-label*="${ids[2]}"]`).waitFor({ timeout: 10000 }); // as the user sees it
    await page.keyboard.press('Delete');
    await confirmDialog(page, new RegExp(`Delete session ${ids[2].slice(0, 8)}\\?.*This uses 1 of`, 's'));
    await row.waitFor({ state: 'detached', timeout: 30000 });
    assert.deepEqual(mock().server.deleteRequests().map((r) => r.path).slice(2), [`/v1/sessions/${ids[2]}`]);
  });

  it('Delete key on a multi-selection: one modal for both, both gone', async () => {
    const page = wb().page;
    const rows = [3, 4].map((i) => page.locator(`.sidebar .monaco-list-row[aria-label*="${ids[i]}"]`));
    await rows[0].click();
    await rows[1].click({ modifiers: ['Control'] });
    const selected = page.locator('.sidebar .monaco-list-row.selected');
    assert.ok(await pollUntil(async () => (await selected.count()) === 2, 10000), `two rows selected (now ${await selected.count()})`);
    await page.keyboard.press('Delete');
    await confirmDialog(page, /Delete 2 sessions\?.*This uses 2 of/s);
    await rows[0].waitFor({ state: 'detached', timeout: 30000 });
    await rows[1].waitFor({ state: 'detached', timeout: 30000 });
    assert.deepEqual(
      mock().server.deleteRequests().map((r) => r.path).slice(3).sort(),
      [`/v1/sessions/${ids[3]}`, `/v1/sessions/${ids[4]}`].sort(),
    );
  });
});
