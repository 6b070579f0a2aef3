import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  answerQuickInput,
  chooseFromOpenMenu,
  openContextMenu,
  openVeriffSidebar,
  runFromPalette,
  screenshot,
  useWorkbenchWithMockVeriff,
  waitForText,
} from '../support/workbench';

const SESSIONS = 32;
/** Each status request waits this long at the mock: 32 sessions, 4 at a time, take a few seconds. */
const LATENCY_MS = 300;

describe('UI: the Veriff sidebar in a real workbench', function () {
  let ids: string[];
  const { wb, mock } = useWorkbenchWithMockVeriff((veriff) => {
    // Every third one is still being processed (not deletable: its row gets no trash icon).
    ids = Array.from({ length: SESSIONS }, (_, i) => veriff.server.seedSession(veriff.apiKey, { status: i % 3 === 1 ? 'submitted' : 'approved' }).id);
  });

  it('opens the Veriff activity-bar container and shows its view with the welcome text', async () => {
    const sidebar = await openVeriffSidebar(wb().page);
    await sidebar.locator('.composite.title', { hasText: 'Test Sessions' }).first().waitFor({ timeout: 30000 });
    await sidebar.getByText('Set API Credentials').first().waitFor({ timeout: 30000 });
    const file = await screenshot(wb().page, 'sidebar-welcome');
    assert.ok(fs.statSync(file).size > 1000);
  });

  it('runs "Veriff: Show Log" from the command palette and the Veriff log channel opens', async () => {
    const page = wb().page;
    await runFromPalette(page, 'Veriff: Show Log');
    const panel = page.locator('.part.panel');
    await panel.waitFor({ state: 'visible', timeout: 30000 });
    await waitForText(panel.locator('.view-lines').first(), /Veriff Test Sessions \S+ activated/);
    await screenshot(page, 'show-log');
  });

  /** Sessions whose status request the mock has answered. */
  function fetched(): number {
    const answered = mock()
      .server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/decision'))
      .map((r) => r.path.split('/')[3]);
    return new Set(answered).size;
  }

  // A user right-clicks a row while the view is still fetching the statuses of a big run: the rows
  // update around the open menu, the menu stays open, and its entry does what it says.
  it(`keeps a row's context menu open while ${SESSIONS} statuses arrive, and "Copy Session ID" copies that row's id`, async () => {
    const page = wb().page;
    await openVeriffSidebar(page);
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
    await page.locator('.sidebar .composite.title', { hasText: /explorer/i }).first().waitFor({ timeout: 30000 });
    await runFromPalette(page, 'Veriff: Set API Credentials');
    await answerQuickInput(page, /A name for this integration/, 'UI Test');
    await answerQuickInput(page, /API URL from the Veriff Customer Portal/, mock().server.url);
    await answerQuickInput(page, /API key \(a UUID\)/, mock().apiKey);
    await answerQuickInput(page, /Shared secret key/, mock().sharedSecret);
    await runFromPalette(page, 'Veriff: Track Sessions…');
    await answerQuickInput(page, /Session ids to track/, ids.join(' '));
    mock().server.injectFault({ kind: 'delay', ms: LATENCY_MS }, { times: Infinity, method: 'GET' });
    await answerQuickInput(page, /Run label/, 'big-run');

    // Opening the view starts the refresh of all of them, oldest (first typed) first.
    const sidebar = await openVeriffSidebar(page);
    const row = sidebar.locator(`.monaco-list-row[aria-label*="${ids[0]}"]`);
    await waitForText(row, /approved/);
    const menu = await openContextMenu(page, row);
    const atOpen = fetched();
    assert.ok(atOpen < SESSIONS - 12, `the refresh is still running when the menu opens (${atOpen} of ${SESSIONS} fetched)`);

    // Rows further down get their statuses (and the run its counts) while the menu is open.
    const later = ids[Math.min(atOpen + 8, 24)];
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${later}"]`), /approved|submitted/, 30000);
    assert.ok(fetched() >= atOpen + 8, 'statuses arrived while the menu was open');
    assert.ok(await menu.isVisible(), 'the context menu is still open');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb().server.url });
    await screenshot(page, 'context-menu-during-refresh');
    await chooseFromOpenMenu(page, menu, 'Copy Session ID');
    await waitForText(page.locator('.part.statusbar'), new RegExp(`Copied session id ${ids[0]}`));
    assert.equal(String(await page.evaluate('navigator.clipboard.readText()')), ids[0]);

    // And the refresh finished: the last row has its status too.
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${ids[SESSIONS - 1]}"]`), /approved|submitted/, 30000);
    await waitForText(sidebar.locator('.monaco-list-row', { hasText: 'big-run' }).first(), new RegExp(`big-run.*${SESSIONS} sessions`));
    mock().server.clearFaults();
  });
});
