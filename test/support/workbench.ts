// UI-test harness: a real VS Code workbench (code-server) with the extension under development,
// driven through Chromium (from the @sparticuz/chromium npm package) by playwright-core.
// Everything it starts is stopped in close().
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startMockVeriff, type MockVeriff } from './mockVeriff';
import { readmeImageTarget, repoRoot, screenshotDir, screenshotScale } from './readmeImages';

export { repoRoot, screenshotDir };

interface CodeServer {
  url: string;
  port: number;
  root: string;
  userDataDir: string;
  logFile: string;
  stop(): Promise<void>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const runtime = {
  codeServer: require(path.join(repoRoot, 'scripts', 'runtime', 'codeServer.cjs')) as {
    startCodeServer(opts?: { env?: NodeJS.ProcessEnv; settings?: object; userDataDir?: string }): Promise<CodeServer>;
    workbenchUrl(server: CodeServer, o: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
  },
  paths: require(path.join(repoRoot, 'scripts', 'runtime', 'paths.cjs')) as { nodeBinary: string; codeServerEntry: string },
  browser: require(path.join(repoRoot, 'scripts', 'runtime', 'browser.cjs')) as {
    launchBrowser(opts?: { viewport?: { width: number; height: number }; deviceScaleFactor?: number }): Promise<{ context: BrowserContext; close(): Promise<void> }>;
  },
};

export interface Workbench {
  page: Page;
  server: CodeServer;
  workspace: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  settings?: object;
  /** Files to put into the opened workspace folder. */
  files?: Record<string, string>;
  /** Load the extension under development (default true). */
  withExtension?: boolean;
  /**
   * The server's user-data dir (its extensions dir is `<userDataDir>/extensions`, see
   * installVsix); the caller owns and removes it. Default: a throwaway one.
   */
  userDataDir?: string;
}

/**
 * Installs a .vsix the way a user would (`code-server --install-extension`, which installs and
 * exits) into `<userDataDir>/extensions`, with the runtime's Node 24. Returns the CLI's output.
 */
export function installVsix(vsixPath: string, userDataDir: string): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-install-home-'));
  try {
    const r = spawnSync(
      runtime.paths.nodeBinary,
      [runtime.paths.codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', path.join(userDataDir, 'extensions'), '--install-extension', vsixPath],
      {
        encoding: 'utf8',
        timeout: 120000,
        env: {
          ...process.env,
          HOME: home,
          XDG_CONFIG_HOME: path.join(home, '.config'),
          XDG_DATA_HOME: path.join(home, '.local', 'share'),
          EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }),
        },
      },
    );
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0) {
      throw new Error(`code-server --install-extension exited with ${r.status ?? r.signal}:\n${output}`);
    }
    return output;
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

export async function openWorkbench(opts: OpenOptions = {}): Promise<Workbench> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-ui-workspace-'));
  for (const [name, content] of Object.entries(opts.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(workspace, name), content);
  }
  const server = await runtime.codeServer.startCodeServer({ env: { ...process.env, ...opts.env }, settings: opts.settings, userDataDir: opts.userDataDir });
  let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
  const close = async () => {
    await browser?.close();
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
  };
  try {
    browser = await runtime.browser.launchBrowser({ deviceScaleFactor: screenshotScale() });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const url = runtime.codeServer.workbenchUrl(server, {
      folder: workspace,
      extensionDevelopmentPath: opts.withExtension === false ? undefined : repoRoot,
    });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.activitybar').waitFor({ timeout: 60000 });
    return { page, server, workspace, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Opens the Veriff container from the activity bar, as a user would click it. */
export async function openVeriffSidebar(page: Page): Promise<Locator> {
  const item = page.locator('.activitybar .action-item a[aria-label^="Veriff"]').first();
  await item.waitFor({ timeout: 30000 });
  const container = page.locator('.sidebar .composite.title', { hasText: /veriff/i });
  if (!(await container.isVisible())) {
    // The badge (deletable count) sits on the icon; a user's click on it opens the container too.
    await item.click({ force: true });
  }
  await container.first().waitFor({ timeout: 30000 });
  await widenSidebar(page, 480);
  return page.locator('.sidebar');
}

/** Opens the Explorer from the activity bar (so that opening the Veriff view later shows it afresh). */
export async function openExplorer(page: Page): Promise<void> {
  await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
  await page.locator('.sidebar .composite.title', { hasText: /explorer/i }).first().waitFor({ timeout: 30000 });
}

/** "Veriff: Track Sessions…" from the palette, answering its two prompts. */
export async function trackFromPalette(page: Page, ids: readonly string[], runLabel: string): Promise<void> {
  await runFromPalette(page, 'Veriff: Track Sessions…');
  await answerQuickInput(page, /Session ids to track/, ids.join(' '));
  await answerQuickInput(page, /Run label/, runLabel);
}

/** Checks `condition` every 100 ms until it holds (true) or `timeoutMs` has passed (false). */
export async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; !(await condition()); ) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Runs a command through the command palette (F1, type, Enter). */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('F1');
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  // Accept the row whose label is exactly the title, once the list has settled on it as the
  // focused row (Enter runs whichever row is focused; a click on a row that a late re-render
  // replaces is lost, and the command never runs). Accepting is seen in the input: the palette
  // closes or the command's own prompt replaces the text.
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const exact = page.locator('.label-name', { hasText: new RegExp(`^${escaped}$`) });
  const row = widget.locator('.monaco-list-row').filter({ has: exact }).first();
  await row.waitFor({ timeout: 15000 });
  const box = widget.locator('.quick-input-box input').first();
  const accepted = async (): Promise<boolean> => !(await box.isVisible()) || (await box.inputValue()) !== `>${title}`;
  for (let attempt = 1; !(await accepted()); attempt++) {
    if (attempt > 3) throw new Error(`the palette did not run "${title}"`);
    const focused = widget.locator('.monaco-list-row.focused').filter({ has: exact });
    if (await focused.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
      await page.keyboard.press('Enter');
    } else {
      await row.click();
    }
    await pollUntil(accepted, 5000);
  }
}

/**
 * Saves a screenshot to test-results/screenshots/<name>.png. With `readme`, it is also one of the
 * README's pictures: copied to docs/images/ when `npm run screenshots` runs the tests, never by `npm test`.
 */
export async function screenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  const readmeImage = opts.readme ? readmeImageTarget(name) : undefined;
  if (readmeImage) {
    fs.mkdirSync(path.dirname(readmeImage), { recursive: true });
    fs.copyFileSync(file, readmeImage);
  }
  return file;
}

/** Waits until an element's text matches (Monaco renders a line as many spans, so getByText misses it). */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 30000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let problem = '';
  while (Date.now() < deadline) {
    try {
      last = (await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) })) ?? '';
      problem = '';
    } catch (err) {
      // Not there (yet), or more than one element matches: say which when the time is up.
      problem = err instanceof Error ? err.message.split('\n')[0] : String(err);
    }
    if (pattern.test(last.replace(/\u00a0/g, ' '))) {
      return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`text ${pattern} did not appear; last text: ${last.slice(0, 500)}${problem ? `; last problem: ${problem}` : ''}`);
}

/** Drags the sidebar's edge so rows show their whole description (readable screenshots). */
export async function widenSidebar(page: Page, width: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width - 4) {
    return;
  }
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The extension's "Veriff" log as written to disk by the workbench's server (every line, not just the visible ones). */
export function readVeriffLog(wb: Workbench): string {
  const logsDir = path.join(wb.server.userDataDir, 'logs');
  const files = fs.existsSync(logsDir)
    ? fs.readdirSync(logsDir, { recursive: true }).map(String).filter((f) => f.endsWith('Veriff.log'))
    : [];
  return files.map((f) => fs.readFileSync(path.join(logsDir, f), 'utf8')).join('\n');
}

/**
 * The hooks every UI suite has: opens a workbench before the suite's tests, closes it after them,
 * and takes a `failed-<title>` screenshot after a failed test. Call it inside `describe`. Returns
 * the open workbench.
 */
export function useWorkbench(opts: OpenOptions = {}, around: { beforeOpen?: () => Promise<void>; afterClose?: () => Promise<void> } = {}): () => Workbench {
  let wb: Workbench | undefined;
  before(async function () {
    await around.beforeOpen?.();
    wb = await openWorkbench(opts);
  });
  after(async function () {
    try {
      await wb?.close();
    } finally {
      await around.afterClose?.();
    }
  });
  afterEach(screenshotOnFailure(() => wb));
  return () => {
    if (!wb) {
      throw new Error('the workbench is not open (its before hook failed or has not run)');
    }
    return wb;
  };
}

/**
 * useWorkbench with a mock Veriff server in the UI test process: started before the workbench
 * opens (`seed` puts the suite's sessions into it) and closed once the workbench has closed.
 */
export function useWorkbenchWithMockVeriff(
  seed: (mock: MockVeriff) => void = () => undefined,
  opts: OpenOptions = {},
): { wb: () => Workbench; mock: () => MockVeriff } {
  let mock: MockVeriff | undefined;
  const wb = useWorkbench(
    opts,
    {
      beforeOpen: async () => {
        mock = await startMockVeriff();
        seed(mock);
      },
      afterClose: async () => {
        await mock?.server.close();
      },
    },
  );
  return {
    wb,
    mock: () => {
      if (!mock) {
        throw new Error('the mock Veriff server is not running (its before hook failed or has not run)');
      }
      return mock;
    },
  };
}

/** An `afterEach` hook: a screenshot `<prefix><test title>` of the workbench when the test failed. */
export function screenshotOnFailure(getWorkbench: () => Workbench | undefined, prefix = 'failed-'): (this: Mocha.Context) => Promise<void> {
  return async function (this: Mocha.Context) {
    const wb = getWorkbench();
    if (this.currentTest?.state === 'failed' && wb) {
      const name = `${prefix}${this.currentTest.title.replace(/\W+/g, '-')}`;
      await screenshot(wb.page, name);
      // The extension's log next to the picture, for diagnosis (it never holds secrets), and the
      // workbench's own logs (server, extension host, output channels) in a folder beside it.
      fs.writeFileSync(path.join(screenshotDir, `${name}.log`), readVeriffLog(wb));
      const logs = path.join(wb.server.userDataDir, 'logs');
      if (fs.existsSync(logs)) fs.cpSync(logs, path.join(screenshotDir, `${name}-logs`), { recursive: true });
      if (fs.existsSync(wb.server.logFile)) fs.copyFileSync(wb.server.logFile, path.join(screenshotDir, `${name}-code-server.log`));
    }
  };
}

/** Answers the quick input that shows `prompt` with `text` and Enter. */
export async function answerQuickInput(page: Page, prompt: RegExp, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await waitForText(widget, prompt);
  await widget.locator('input').first().fill(text);
  await page.keyboard.press('Enter');
}

/**
 * In an open multi-select quick pick, types `filter` and checks the one row left, as a user would
 * click it. It clicks only while the row is unchecked: under load the list can re-render between
 * the filter and the click, and a click on the old row is lost; a second blind click would uncheck.
 */
export async function checkInQuickPick(page: Page, filter: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('input').first().fill(filter);
  const rows = widget.locator('.quick-input-list .monaco-list-row');
  const row = rows.filter({ hasText: filter }).first();
  const checked = widget.locator('.quick-input-list .monaco-list-row[aria-checked="true"]', { hasText: filter });
  if (!(await pollUntil(async () => (await rows.count()) === 1 && (await row.isVisible()), 30000))) {
    throw new Error(`the quick pick did not filter to the one row "${filter}" (${await rows.count()} rows)`);
  }
  for (let attempt = 1; (await checked.count()) === 0; attempt++) {
    if (attempt > 3) throw new Error(`three clicks did not check the quick pick row "${filter}"`);
    await row.click();
    await checked.waitFor({ timeout: 5000 }).catch(() => undefined);
  }
}

/** Checks the modal dialog's text against `expected`, clicks `button` and returns the text. */
export async function confirmDialog(page: Page, expected: RegExp, button = 'Delete'): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ state: 'visible', timeout: 30000 });
  const text = await waitForText(dialog, expected);
  await dialog.locator('.monaco-button', { hasText: new RegExp(`^${button.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }).first().click();
  await dialog.waitFor({ state: 'hidden', timeout: 15000 });
  return text;
}

/**
 * Right-clicks a row and chooses `entry` from its context menu, as a user would, once: a menu that
 * closes by itself, or an entry that does nothing, fails the test (no second try: that would hide
 * the defect). With `screenshot`, takes one while the menu is open and the entry hovered; with
 * `opens`, checks that the entry brought that up.
 */
export async function chooseFromContextMenu(
  page: Page,
  row: Locator,
  entry: string,
  opts: { screenshot?: string; readme?: boolean; opens?: Locator } = {},
): Promise<void> {
  const menu = await openContextMenu(page, row);
  await chooseFromOpenMenu(page, menu, entry, opts);
}

/** "Veriff: Set API Credentials" from the palette, each step answered as a user types it; then waits until the budget shows. */
export async function setCredentialsFromPalette(page: Page, veriff: { server: { url: string }; apiKey: string; sharedSecret: string }, name = 'UI Test'): Promise<void> {
  await runFromPalette(page, 'Veriff: Set API Credentials');
  await answerQuickInput(page, /A name for this integration/, name);
  await answerQuickInput(page, /API URL from the Veriff Customer Portal/, veriff.server.url);
  await answerQuickInput(page, /API key \(a UUID\)/, veriff.apiKey);
  await answerQuickInput(page, /Shared secret key/, veriff.sharedSecret);
  await waitForCredentials(page);
}

/** The Veriff delete budget's status-bar item. */
export function budgetStatusItem(page: Page): Locator {
  return page.locator('.part.statusbar .statusbar-item', { has: page.locator('[aria-label^="Veriff delete budget"]') }).first();
}

/**
 * Waits until the workbench shows that credentials exist (the budget appears in the status bar),
 * as a user sees it before reaching for a command that needs them: the palette lists those only
 * once VS Code has the `veriff.hasCredentials` context key, which travels before the status bar's update.
 */
export async function waitForCredentials(page: Page): Promise<void> {
  await waitForText(budgetStatusItem(page), /\d+\/5 · \d+\/10/);
}

/** Right-clicks a row and returns its context menu once it is visible. */
export async function openContextMenu(page: Page, row: Locator): Promise<Locator> {
  await row.click({ button: 'right' });
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 15000 });
  return menu;
}

/** Chooses `entry` from an open context menu (see chooseFromContextMenu). */
export async function chooseFromOpenMenu(
  page: Page,
  menu: Locator,
  entry: string,
  opts: { screenshot?: string; readme?: boolean; opens?: Locator } = {},
): Promise<void> {
  const item = menu.locator('.action-item', { hasText: entry }).first();
  if (!(await item.isVisible())) {
    const entries = (await menu.locator('.action-item').allTextContents()).map((t) => t.trim()).filter(Boolean);
    throw new Error(`context menu has no "${entry}"; it has: ${entries.join(' | ')}`);
  }
  await item.hover();
  if (opts.screenshot) {
    await screenshot(page, opts.screenshot, { readme: opts.readme });
  }
  // The menu ignores a mouse click in its first moments (the right-click's own release must not
  // choose an entry); keyboard focus + Enter is what a user's choice looks like at any moment.
  await item.locator('.action-menu-item').first().focus({ timeout: 5000 });
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden', timeout: 15000 });
  if (opts.opens) {
    const opened = await opts.opens.first().waitFor({ state: 'visible', timeout: 15000 }).then(() => true, () => false);
    if (!opened) {
      throw new Error(`"${entry}" from the context menu did not open what it should`);
    }
  }
}

/**
 * Waits for a notification matching `pattern` (and `until`, e.g. "the progress entry has gone") and
 * returns the notification center's text. This workbench files extension notifications in the
 * notification center without a toast, so it is opened from the status bar's bell, as a user would,
 * and cleared afterwards so the next wait sees only new notifications. VS Code hides the center by
 * itself when its last notification goes (a finished progress); the bell is then clicked again to
 * look for the next one: that is waiting for a notification, not a second try of a failed action. With `screenshot`, the
 * notification is expanded (the whole message in the picture) and a screenshot taken first.
 */
export async function waitForNotification(
  page: Page,
  pattern: RegExp,
  opts: { screenshot?: string; readme?: boolean; until?: (text: string) => boolean; timeoutMs?: number } = {},
): Promise<string> {
  const center = page.locator('.notifications-center');
  const bell = page.locator('.statusbar').getByRole('button', { name: /notification/i }).first();
  const deadline = Date.now() + (opts.timeoutMs ?? 30000);
  let last = '';
  while (Date.now() < deadline) {
    if (!(await center.isVisible())) {
      await bell.click();
      // Off the bell: its "Hide Notifications" hover would lie over the center's buttons.
      await page.mouse.move(700, 300);
    }
    last = ((await center.textContent().catch(() => '')) ?? '').replace(/\u00a0/g, ' ');
    if (pattern.test(last) && (opts.until?.(last) ?? true)) {
      if (opts.screenshot) {
        const item = center.locator('.notification-list-item', { hasText: pattern }).first();
        const expand = item.getByRole('button', { name: /expand/i }).first();
        if (await expand.isVisible().catch(() => false)) {
          await page.mouse.move(700, 300);
          await expand.click();
        }
        await page.mouse.move(700, 300);
        await screenshot(page, opts.screenshot, { readme: opts.readme });
      }
      await center.getByRole('button', { name: /clear all/i }).first().click();
      await center.waitFor({ state: 'hidden', timeout: 15000 }).catch(() => undefined);
      return last;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`notification ${pattern} did not appear; the notification center shows: ${last.slice(0, 300)}`);
}
