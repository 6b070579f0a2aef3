'use strict';
// Debian's Chromium through playwright-core (no browser download), headless, fresh profile.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { chromiumPath } = require('./paths.cjs');

const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** @param {{ profileDir?: string, viewport?: {width:number,height:number} }} [opts] */
async function launchBrowser(opts = {}) {
  const ownProfile = !opts.profileDir;
  const profileDir = opts.profileDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    if (ownProfile) fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 });
  };
  return { context, profileDir, close };
}

module.exports = { CHROMIUM_ARGS, launchBrowser };
