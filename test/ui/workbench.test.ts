import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { openVeriffSidebar, waitForText, runFromPalette, screenshot, useWorkbench } from '../support/workbench';

describe('UI: the Veriff sidebar in a real workbench', function () {
  const wb = useWorkbench();

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
});
