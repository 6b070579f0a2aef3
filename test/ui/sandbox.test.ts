import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { openVeriffSidebar, openWorkbench, runFromPalette, screenshot, waitForText, type Workbench } from '../support/workbench';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * Waits for a notification and returns its text. This workbench files extension notifications in the
 * notification center without a toast, so the test opens the center from the status bar, as a
 * user would, and clears it afterwards so the next wait sees only new notifications.
 */
async function notification(page: Page, pattern: RegExp, timeoutMs = 30000): Promise<string> {
  const center = page.locator('.notifications-center');
  const bell = page.locator('.statusbar').getByRole('button', { name: /notification/i }).first();
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!(await center.isVisible())) {
      await bell.click();
    }
    last = ((await center.textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
    if (pattern.test(last)) {
      await center.getByRole('button', { name: /clear all/i }).first().click();
      await center.waitFor({ state: 'hidden', timeout: 15000 }).catch(() => undefined);
      return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`notification ${pattern} did not appear; the notification center shows: ${last.slice(0, 300)}`);
}

/** Right-clicks a tree row and chooses a context-menu entry, as a user would. */
async function contextMenu(page: Page, row: Locator, entry: string): Promise<void> {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 15000 });
  const item = menu.locator('.action-item', { hasText: entry }).first();
  if (!(await item.isVisible())) {
    const entries = (await menu.locator('.action-item').allTextContents()).map((t) => t.trim()).filter(Boolean);
    throw new Error(`context menu has no "${entry}"; it has: ${entries.join(' | ')}`);
  }
  // A click right after the menu opens is ignored by the workbench; pointing at the entry and
  // pressing Enter chooses it reliably.
  await item.hover();
  await item.locator('.action-menu-item').first().focus();
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 15000 });
}

/** A signed GET of a session's decision with the copied sandbox environment, as a test suite would send it. */
async function decision(env: Record<string, string>, id: string): Promise<{ http: number; status?: string }> {
  const res = await fetch(`${env.VERIFF_API_URL}/v1/sessions/${id}/decision`, {
    headers: {
      'X-AUTH-CLIENT': env.VERIFF_API_KEY,
      'X-HMAC-SIGNATURE': createHmac('sha256', env.VERIFF_SHARED_SECRET).update(id).digest('hex'),
    },
  });
  const body = (await res.json()) as { verification?: { status?: string } | null };
  return { http: res.status, status: body.verification?.status };
}

describe('UI: local sandbox', function () {
  this.timeout(180000);
  let wb: Workbench;

  before(async function () {
    wb = await openWorkbench();
  });

  after(async function () {
    await wb?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && wb) {
      await screenshot(wb.page, `failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
    }
  });

  it('starts the sandbox from the palette, creates a session, approves it and deletes it from the tree', async () => {
    const page = wb.page;
    const sidebar = await openVeriffSidebar(page);
    await sidebar.getByText('Start Local Sandbox').first().waitFor({ timeout: 30000 }); // offered while nothing is set up

    await runFromPalette(page, 'Veriff: Start Local Sandbox');
    const started = await notification(page, /sandbox is running and is now the active integration: http:\/\/127\.0\.0\.1:\d+/);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(started)![0];

    // The copied environment is what a test suite would get; the test uses it to look at the sandbox from outside.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url });
    await runFromPalette(page, 'Veriff: Copy Sandbox Environment');
    const copied = await notification(page, /Copied VERIFF_API_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET/);
    const clipboard = String(await page.evaluate('navigator.clipboard.readText()'));
    const env = Object.fromEntries(clipboard.trim().split(' ').map((pair) => pair.split('=') as [string, string]));
    assert.equal(env.VERIFF_API_URL, url);
    assert.ok(!copied.includes(env.VERIFF_SHARED_SECRET), 'the notification does not show the secret');

    await runFromPalette(page, 'Veriff: Create Test Session');
    const input = page.locator('.quick-input-widget input');
    await waitForText(page.locator('.quick-input-widget'), /vendorData for the new session/);
    await input.pressSequentially('ui-sandbox-user');
    await page.keyboard.press('Enter');
    const createdText = await notification(page, /Test session created and tracked: [0-9a-f-]{36}/);
    const id = UUID.exec(createdText)![0];
    assert.deepEqual(await decision(env, id), { http: 200, status: undefined }, 'the sandbox has the session, no decision yet');

    const row = sidebar.locator(`.monaco-list-row[aria-label*="${id}"]`);
    await waitForText(row, /created/);

    await contextMenu(page, row, 'Simulate Decision…');
    await waitForText(page.locator('.quick-input-widget .quick-input-list'), /Approve.*Decline.*Request Resubmission.*Submit \(processing\).*Put in Review.*Expire.*Abandon.*Start \(end user in flow\)/s);
    await page.locator('.quick-input-widget input').pressSequentially('Approve');
    await page.keyboard.press('Enter');
    await waitForText(row, /approved/);
    assert.deepEqual(await decision(env, id), { http: 200, status: 'approved' }, 'the sandbox approved it');
    await screenshot(page, 'sandbox-approved');

    await contextMenu(page, row, 'Delete Session');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    await dialog.locator('.monaco-button', { hasText: /^Delete/ }).first().click();
    await row.waitFor({ state: 'detached', timeout: 30000 });
    assert.equal((await decision(env, id)).http, 404, 'the sandbox deleted it');

    // The log tells the story without the secret: start, the signed DELETE and its answer.
    await runFromPalette(page, 'Veriff: Show Log');
    const log = page.locator('.part.panel .view-lines').first();
    const shortId = `${id.slice(0, 4)}…${id.slice(-4)}`;
    const text = (await waitForText(log, new RegExp(`DELETE /v1/sessions/${shortId} → 200`))).replace(/\u00a0/g, ' ');
    assert.match(text, /Local sandbox started at http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(!text.includes(env.VERIFF_SHARED_SECRET) && !text.includes(env.VERIFF_API_KEY), 'the log shows neither key nor secret');
    await screenshot(page, 'sandbox');
  });
});
