// Where UI screenshots go. Every screenshot lands in test-results/screenshots/ (git-ignored); the
// README's pictures in docs/images/ are rewritten only by `npm run screenshots`, which sets
// VERIFF_README_IMAGES=1, so `npm test` leaves a clean checkout clean.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const screenshotDir = path.join(repoRoot, 'test-results', 'screenshots');
export const readmeImageDir = path.join(repoRoot, 'docs', 'images');
export const README_IMAGES_ENV = 'VERIFF_README_IMAGES';

/** Where a screenshot marked as a README picture is copied to: docs/images/<name>.png, only on request. */
export function readmeImageTarget(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[README_IMAGES_ENV] === '1' ? path.join(readmeImageDir, `${name}.png`) : undefined;
}

/**
 * Pixels per CSS pixel the workbench is drawn at: full for the README's pictures; half otherwise,
 * which leaves Chromium's software renderer a quarter of the pixels to paint (the UI layer used
 * 224 core-seconds at 1, 184 at 0.5) while the layout, and so every click, stays the same.
 */
export function screenshotScale(env: NodeJS.ProcessEnv = process.env): number {
  return env[README_IMAGES_ENV] === '1' ? 1 : 0.5;
}
