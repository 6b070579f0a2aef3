// The packaged extension as a user gets it: `vsce package`, `--install-extension` into a real
// VS Code (code-server), then a workbench WITHOUT the extension under development.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { packageVsix } from '../support/vsix';
import { installVsix, openVeriffSidebar, openWorkbench, repoRoot, runFromPalette, screenshot, screenshotOnFailure, waitForText, type Workbench } from '../support/workbench';

async function waitForFrameText(page: Page, pattern: RegExp, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const text = await frame.locator('body').textContent({ timeout: 1000 }).catch(() => '');
      if (text && pattern.test(text)) {
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no frame shows ${pattern}`);
}

const EXTENSION_DIR = 'veriff-test-sessions.veriff-test-sessions-';

describe('UI: the packaged .vsix installs and activates in VS Code', function () {
  let tmp: string;
  let userDataDir: string;
  let wb: Workbench | undefined;
  let version: string;

  before(async function () {
    this.timeout(240000);
    version = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-vsix-ui-'));
    userDataDir = path.join(tmp, 'user-data');
    fs.mkdirSync(userDataDir, { recursive: true });
    const vsixPath = path.join(tmp, 'veriff-test-sessions.vsix');
    packageVsix(vsixPath);
    const output = installVsix(vsixPath, userDataDir);
    assert.match(output, /successfully installed/);
    wb = await openWorkbench({ withExtension: false, userDataDir });
  });

  after(async function () {
    this.timeout(60000);
    await wb?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  });

  afterEach(screenshotOnFailure(() => wb, 'failed-vsix-'));

  it('is unpacked into the extensions dir with only the shipped files', () => {
    const dirs = fs.readdirSync(path.join(userDataDir, 'extensions')).filter((d) => d.startsWith(EXTENSION_DIR));
    assert.deepEqual(dirs, [`${EXTENSION_DIR}${version}`]);
    const installed = path.join(userDataDir, 'extensions', dirs[0]);
    // The activation bundle and the parts it loads when needed (see esbuild.mjs).
    const bundles = ['commands.js', 'extension.js', 'localSandbox.js', 'lockfile.js', 'sandbox.js', 'tracking.js', 'undici.js', 'veriff.js'];
    assert.deepEqual(fs.readdirSync(path.join(installed, 'dist')).sort(), bundles);
    assert.equal(fs.existsSync(path.join(installed, 'node_modules')), false);
    assert.equal(fs.existsSync(path.join(installed, 'src')), false);
  });

  it('activates from the installed copy: "Veriff: Show Log" shows the activation line', async () => {
    assert.ok(wb);
    await openVeriffSidebar(wb.page);
    await runFromPalette(wb.page, 'Veriff: Show Log');
    const panel = wb.page.locator('.part.panel');
    await panel.waitFor({ state: 'visible', timeout: 30000 });
    const text = await waitForText(panel.locator('.view-lines').first(), new RegExp(`Veriff Test Sessions ${version.replace(/\./g, '\\.')} activated on VS Code 1\\.\\d+`), 60000);
    assert.doesNotMatch(text, /%[\w.]+%/, 'no unresolved manifest keys');
    await screenshot(wb.page, 'vsix-installed-show-log');
  });

  it('offers the "Get started" walkthrough with its four steps and its markdown pages', async () => {
    assert.ok(wb);
    await wb.page.keyboard.press('Control+J'); // hide the panel: room for the step's page
    await runFromPalette(wb.page, 'Welcome: Open Walkthrough...');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill('Veriff');
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Get started with Veriff Test Sessions' }).first().waitFor({ timeout: 15000 });
    await wb.page.keyboard.press('Enter');
    const editor = wb.page.locator('.part.editor');
    await waitForText(editor, /Get started with Veriff Test Sessions/, 30000);
    for (const step of ['Connect an integration or start the local sandbox', 'Track the sessions of a test run', 'Delete a session', 'Tidy up after a test run']) {
      await waitForText(editor, new RegExp(step), 15000);
    }
    // The selected step's markdown page (media/walkthrough/connect.md) renders in a webview frame.
    await waitForFrameText(wb.page, /Connect an integration, or start the local sandbox[\s\S]*secret storage/);
    await screenshot(wb.page, 'vsix-walkthrough');
  });
});
