// UI-test harness: a real VS Code workbench (code-server) with the extension under development,
// driven through Debian's Chromium by playwright-core. Everything it starts is stopped in close().
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');

interface CodeServer {
  url: string;
  port: number;
  root: string;
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
    launchBrowser(opts?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; close(): Promise<void> }>;
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
    browser = await runtime.browser.launchBrowser();
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
  return page.locator('.sidebar');
}

/** Runs a command through the command palette (F1, type, Enter). */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15000 });
  await page.keyboard.press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Waits until an element's text matches (Monaco renders a line as many spans, so getByText misses it). */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 30000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout: timeoutMs }).catch(() => '')) ?? '';
    if (pattern.test(last.replace(/\u00a0/g, ' '))) {
      return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`text ${pattern} did not appear; last text: ${last.slice(0, 500)}`);
}
