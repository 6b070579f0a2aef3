'use strict';
// Runs an extension's tests inside a real VS Code extension host (code-server), the way VS Code
// desktop would for `--extensionDevelopmentPath=… --extensionTestsPath=…`, and exits with the
// tests' exit code. The browser is only the workbench's window; mocha runs in the extension host.
const path = require('node:path');
const util = require('node:util');

// The workbench forwards its own console too; these are known-harmless lines of an offline runtime.
const NOISE = [
  /ECONNREFUSED 127\.0\.0\.1:9/, /^\s+at /, /^\[Service Worker\]/, /^Creating a socket/, /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/, /^\[AgentHost/, /^\[AccountPolicyGate\]/, /authentication provider 'github'/,
  /vsda/, /^\[Extension Host\]/,
];
const { startCodeServer, workbenchUrl } = require('./codeServer.cjs');

// The tests run in the extension host and see the workbench only through the API; nobody looks at
// the window. Without the status bar, activity bar, tabs, breadcrumbs and minimap to redraw on every
// change, the integration layer used 113 core-seconds instead of 138 (the UI layer shows them all).
const UNSEEN_PARTS_HIDDEN = {
  'workbench.statusBar.visible': false,
  'workbench.activityBar.location': 'hidden',
  'workbench.editor.showTabs': 'none',
  'breadcrumbs.enabled': false,
  'editor.minimap.enabled': false,
};
const { launchBrowser } = require('./browser.cjs');

function parseArgs(argv) {
  const opts = { folder: undefined, extensionDevelopmentPath: undefined, extensionTestsPath: undefined };
  for (const arg of argv) {
    const m = /^--(extensionDevelopmentPath|extensionTestsPath)=(.*)$/.exec(arg);
    if (m) opts[m[1]] = m[2];
    else if (!arg.startsWith('-') && !opts.folder) opts.folder = arg;
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.extensionDevelopmentPath || !opts.extensionTestsPath) {
    throw new Error('usage: code-launcher --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [folder]');
  }
  const timeoutMs = Number(process.env.VERIFF_TEST_TIMEOUT_MS ?? 15 * 60 * 1000);
  const server = await startCodeServer({ env: process.env, settings: UNSEEN_PARTS_HIDDEN });
  let browser;
  const cleanup = async () => {
    if (browser) await browser.close();
    await server.stop();
  };
  const onSignal = () => cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The tests run in the extension host and never look at pixels: drawing the same layout at half
    // the resolution leaves a quarter of the pixels for Chromium's software renderer to paint.
    browser = await launchBrowser({ deviceScaleFactor: 0.5 });
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    let finish;
    const exitCode = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = Array.isArray(args) ? util.format(...args) : String(args);
      const lines = text.split('\n').filter((line) => !NOISE.some((re) => re.test(line)));
      if (lines.length && (lines.length > 1 || lines[0].trim() !== '' || !NOISE.some((re) => re.test(text)))) {
        (type === 'error' ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code) || 0));
    const url = workbenchUrl(server, {
      folder: opts.folder,
      extensionDevelopmentPath: path.resolve(opts.extensionDevelopmentPath),
      extensionTestsPath: path.resolve(opts.extensionTestsPath),
    });
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`[launcher] tests did not finish within ${timeoutMs} ms; rerun with VERIFF_KEEP_TEMP=1 to keep ${server.logFile}\n`);
        resolve(124);
      }, timeoutMs);
    });
    const code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`[launcher] ${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
