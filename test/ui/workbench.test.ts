import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  openExplorer,
  answerQuickInput,
  chooseFromOpenMenu,
  openContextMenu,
  openVeriffSidebar,
  runFromPalette,
  screenshot,
  useWorkbenchWithMockVeriff,
  setCredentialsFromPalette,
  waitForText,
} from '../support/workbench';

const SESSIONS = 32;
/** Status requests wait at the mock until the test lets them go (a slow Veriff, stepped by the test). */
const HELD_MS = 110_000;

describe('UI: the Veriff sidebar in a real workbench', function () {
  let ids: string[];
  const { wb, mock } = useWorkbenchWithMockVeriff(
    (veriff) => {
      // Every third one is still being processed (not deletable: its row gets no trash icon).
      ids = Array.from({ length: SESSIONS }, (_, i) => veriff.server.seedSession(veriff.apiKey, { status: i % 3 === 1 ? 'submitted' : 'approved' }).id);
    },
    // Held status requests must not time out while the test clicks (the longest a user may set).
    { settings: { 'veriff.requestTimeoutSeconds': 120 } },
  );

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

  /** Sessions whose status the mock has fully answered, in the order of their last answer. */
  function answered(): string[] {
    const done: string[] = [];
    for (const r of mock().server.requests) {
      const [, , , id, endpoint] = r.path.split('/');
      const submitted = ids.indexOf(id) % 3 === 1; // no decision yet: the client asks /attempts too
      if (r.method === 'GET' && endpoint === (submitted ? 'attempts' : 'decision') && !done.includes(id)) {
        done.push(id);
      }
    }
    return done;
  }

  function fetched(): number {
    return answered().length;
  }

  /** Lets the held status requests go, step by step, until `done()`. */
  async function answerUntil(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 60000;
    while (!done()) {
      assert.ok(Date.now() < deadline, `still waiting with ${fetched()} of ${SESSIONS} statuses answered`);
      mock().server.releaseDelays();
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  // A user right-clicks a row while the view is still fetching the statuses of a big run: the rows
  // update around the open menu, the menu stays open, and its entry does what it says.
  it(`keeps a row's context menu open while ${SESSIONS} statuses arrive, and "Copy Session ID" copies that row's id`, async () => {
    const page = wb().page;
    await openVeriffSidebar(page);
    await openExplorer(page);
    await setCredentialsFromPalette(page, mock());
    await runFromPalette(page, 'Veriff: Track Sessions…');
    await answerQuickInput(page, /Session ids to track/, ids.join(' '));
    mock().server.injectFault({ kind: 'delay', ms: HELD_MS }, { times: Infinity, method: 'GET' });
    await answerQuickInput(page, /Run label/, 'big-run');

    // Opening the view starts the refresh of all of them, oldest (first typed) first, 4 at a time.
    const sidebar = await openVeriffSidebar(page);
    const row = sidebar.locator(`.monaco-list-row[aria-label*="${ids[0]}"]`);
    await answerUntil(() => answered().includes(ids[0]));
    await waitForText(row, /approved/);
    const menu = await openContextMenu(page, row);
    const atOpen = fetched();
    assert.ok(atOpen <= 8, `the refresh is still running when the menu opens (${atOpen} of ${SESSIONS} answered)`);

    // Rows further down get their statuses while the menu is open.
    await answerUntil(() => fetched() >= atOpen + 16);
    const later = answered().pop()!;
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${later}"]`), /approved|submitted/, 30000);
    assert.ok(await menu.isVisible(), 'the context menu is still open');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb().server.url });
    await screenshot(page, 'context-menu-during-refresh');
    // More statuses arrive as the user chooses: those rows re-render while the command starts, and
    // the clicked row must still be what the command gets.
    const beforeChoice = fetched();
    await answerUntil(() => fetched() >= beforeChoice + 2);
    assert.ok(fetched() < SESSIONS, 'the refresh is still running');
    await chooseFromOpenMenu(page, menu, 'Copy Session ID');
    await waitForText(page.locator('.part.statusbar'), new RegExp(`Copied session id ${ids[0]}`));
    assert.equal(String(await page.evaluate('navigator.clipboard.readText()')), ids[0]);

    // The rest of the refresh: the last row has its status too.
    mock().server.clearFaults();
    await answerUntil(() => fetched() === SESSIONS);
    await waitForText(sidebar.locator(`.monaco-list-row[aria-label*="${ids[SESSIONS - 1]}"]`), /approved|submitted/, 30000);
    await waitForText(sidebar.locator('.monaco-list-row', { hasText: 'big-run' }).first(), new RegExp(`big-run.*${SESSIONS} sessions`));
  });
});
