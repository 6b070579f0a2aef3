// Builds dist/extension.js (activation path) and three bundles it loads only when needed:
// dist/undici.js (the HTTP stack, on the first request), dist/sandbox.js (the local Veriff
// sandbox server, when the sandbox starts or the demo runs) and dist/lockfile.js (proper-lockfile,
// on the first write of a shared store). The one `require` of each in the sources is rewritten to
// the separate file, so activation never pays for them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/**
 * Keeps a part of the sources in its own bundle: the `require` in `loader` becomes `require(bundle)`;
 * any other import of the part's files from the main bundle fails the build (type-only imports are
 * erased before this runs, so they stay allowed).
 */
function lazyPart({ name, dir, loader, bundle }) {
  const partDir = path.resolve(dir);
  const loaderFile = path.resolve(loader);
  return {
    name: `lazy-${name}`,
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const target = path.resolve(args.resolveDir, args.path);
        const inPart = target === partDir || target.startsWith(partDir + path.sep) || target === `${partDir}.ts`;
        if (!inPart) return undefined;
        if (args.kind === 'require-call' && args.importer === loaderFile) return { path: bundle, external: true };
        return { errors: [{ text: `${args.path} belongs to ${bundle.slice(2)}, which is loaded lazily: import it only through ${loader} (type-only imports elsewhere are fine)` }] };
      });
    },
  };
}

const lazyUndici = lazyPart({ name: 'undici', dir: 'src/core/http/undiciEntry', loader: 'src/core/http/dispatcher.ts', bundle: './undici.js' });
/** A package required lazily in the sources, shipped as its own bundle. */
function lazyPackage(name, bundle) {
  return {
    name: `lazy-${name}`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, (args) =>
        args.kind === 'require-call' ? { path: bundle, external: true } : { errors: [{ text: `${name} is loaded lazily: require() it where it is first needed` }] },
      );
    },
  };
}

const lazyLockfile = lazyPackage('proper-lockfile', './lockfile.js');
const lazySandbox = lazyPart({ name: 'sandbox', dir: 'src/sandbox', loader: 'src/vscode/sandbox/loadSandbox.ts', bundle: './sandbox.js' });

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
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], plugins: [lazyUndici, lazySandbox, lazyLockfile] },
  { ...common, entryPoints: ['src/core/http/undiciEntry.ts'], outfile: 'dist/undici.js' },
  { ...common, entryPoints: ['src/sandbox/index.ts'], outfile: 'dist/sandbox.js' },
  { ...common, entryPoints: ['node_modules/proper-lockfile/index.js'], outfile: 'dist/lockfile.js' },
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
