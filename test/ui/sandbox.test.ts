import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { answerQuickInput, chooseFromContextMenu, openVeriffSidebar, readVeriffLog, runFromPalette, screenshot, useWorkbench, waitForNotification, waitForText } from '../support/workbench';

/** The notification of a created session; its id is taken from it, not from other notifications in the center. */
const CREATED = /Test session created and tracked: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

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
  const wb = useWorkbench();

  it('starts the sandbox from the palette, creates a session, approves it and deletes it from the tree', async () => {
    const page = wb().page;
    const sidebar = await openVeriffSidebar(page);
    await sidebar.getByText('Start Local Sandbox').first().waitFor({ timeout: 30000 }); // offered while nothing is set up

    await runFromPalette(page, 'Veriff: Start Local Sandbox');
    const started = await waitForNotification(page, /sandbox is running and is now the active integration: http:\/\/127\.0\.0\.1:\d+/);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(started)![0];

    // The copied environment is what a test suite would get; the test uses it to look at the sandbox from outside.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb().server.url });
    await runFromPalette(page, 'Veriff: Copy Sandbox Environment');
    const copied = await waitForNotification(page, /Copied VERIFF_API_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET/);
    const clipboard = String(await page.evaluate('navigator.clipboard.readText()'));
    const env = Object.fromEntries(clipboard.trim().split(' ').map((pair) => pair.split('=') as [string, string]));
    assert.equal(env.VERIFF_API_URL, url);
    assert.ok(!copied.includes(env.VERIFF_SHARED_SECRET), 'the notification does not show the secret');

    await runFromPalette(page, 'Veriff: Create Test Session');
    await answerQuickInput(page, /vendorData for the new session/, 'ui-sandbox-user');
    const id = CREATED.exec(await waitForNotification(page, CREATED))![1];
    assert.deepEqual(await decision(env, id), { http: 200, status: undefined }, 'the sandbox has the session, no decision yet');

    const row = sidebar.locator(`.monaco-list-row[aria-label*="${id}"]`);
    await waitForText(row, /created/);

    await chooseFromContextMenu(page, row, 'Simulate Decision…', { opens: page.locator('.quick-input-widget .quick-input-list') });
    await waitForText(page.locator('.quick-input-widget .quick-input-list'), /Approve.*Decline.*Request Resubmission.*Submit \(processing\).*Put in Review.*Expire.*Abandon.*Start \(end user in flow\)/s);
    await page.locator('.quick-input-widget input').pressSequentially('Approve');
    await page.keyboard.press('Enter');
    await waitForText(row, /approved/);
    assert.deepEqual(await decision(env, id), { http: 200, status: 'approved' }, 'the sandbox approved it');
    await screenshot(page, 'sandbox-approved');

    await chooseFromContextMenu(page, row, 'Delete Session', { opens: page.locator('.monaco-dialog-box') });
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
    const fullLog = readVeriffLog(wb());
    assert.match(fullLog, /Local sandbox started at http:\/\/127\.0\.0\.1:\d+/);
    assert.ok(!fullLog.includes(env.VERIFF_SHARED_SECRET) && !fullLog.includes(env.VERIFF_API_KEY), 'the log file shows neither key nor secret');
    assert.ok(!text.includes(env.VERIFF_SHARED_SECRET) && !text.includes(env.VERIFF_API_KEY), 'the log shows neither key nor secret');
    await screenshot(page, 'sandbox');

    // A session whose end user is in the flow right now: Veriff answers 1306, and the log explains it.
    await runFromPalette(page, 'Veriff: Create Test Session');
    await answerQuickInput(page, /vendorData for the new session/, 'ui-sandbox-in-flow');
    // The center may still list the first session's notifications: only a new session's id counts
    // (a stale "created" notification was taken once, and its row, deleted above, never came).
    const second = CREATED.exec(await waitForNotification(page, CREATED, { until: (text) => CREATED.exec(text)?.[1] !== id }))![1];
    assert.notEqual(second, id);
    const secondRow = sidebar.locator(`.monaco-list-row[aria-label*="${second}"]`);
    await waitForText(secondRow, /created/);
    await chooseFromContextMenu(page, secondRow, 'Simulate Decision…', { opens: page.locator('.quick-input-widget .quick-input-list') });
    await page.locator('.quick-input-widget input').pressSequentially('Start (end user in flow)');
    await page.keyboard.press('Enter');
    await waitForText(secondRow, /started/);
    await chooseFromContextMenu(page, secondRow, 'Delete Session', { opens: page.locator('.monaco-dialog-box') });
    await dialog.waitFor({ state: 'visible', timeout: 15000 });
    await dialog.locator('.monaco-button', { hasText: /^Delete/ }).first().click();
    await waitForText(secondRow, /1306/);
    const secondShort = `${second.slice(0, 4)}…${second.slice(-4)}`;
    await runFromPalette(page, 'Veriff: Show Log');
    const logText = await waitForText(log, new RegExp(`DELETE /v1/sessions/${secondShort} → 400 code 1306`));
    assert.ok(!logText.includes(env.VERIFF_SHARED_SECRET), 'no secret in the log');
    assert.equal((await decision(env, second)).http, 200, 'the sandbox kept the in-flow session');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15000 });
    await screenshot(page, 'log-error-code', { readme: true });
  });
});
