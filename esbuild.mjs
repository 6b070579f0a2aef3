// Builds dist/extension.js (activation path) and dist/undici.js (the HTTP stack, loaded on the
// first request). `require('undici')` in the sources is rewritten to `./undici.js` so the main
// bundle never contains undici and activation never pays for it.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const lazyUndici = {
  name: 'lazy-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazyUndici] },
  { ...common, entryPoints: ['src/core/http/undiciEntry.ts'], outfile: 'dist/undici.js' },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] build started; watching for changes');
} else {
  const started = Date.now();
  // A production build starts from an empty dist/ so no stale source map of a dev build ships.
  fs.rmSync('dist', { recursive: true, force: true });
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[build] dist/ built in ${Date.now() - started} ms (${production ? 'production' : 'development'})`);
}
