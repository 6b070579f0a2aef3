'use strict';
// Chromium from the @sparticuz/chromium npm package through playwright-core, headless, fresh profile.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { chromiumDir, chromiumLibDir, chromiumPath } = require('./paths.cjs');
const { ensureChromium } = require('./install.cjs');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** @param {{ profileDir?: string, viewport?: {width:number,height:number}, deviceScaleFactor?: number }} [opts] */
async function launchBrowser(opts = {}) {
  const ownProfile = !opts.profileDir;
  const profileDir = opts.profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-chromium-'));
  ensureChromium();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    // The package's own fonts and libraries (a bare machine has none).
    env: {
      ...process.env,
      FONTCONFIG_FILE: path.join(chromiumDir, 'fonts.conf'),
      LD_LIBRARY_PATH: [chromiumLibDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(path.delimiter),
    },
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    if (ownProfile) fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return { context, profileDir, close };
}

module.exports = { CHROMIUM_ARGS, launchBrowser };
