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

/**
 * Leaves out of dist/undici.js three modules undici requires but this client never runs: HTTP/2
 * (connectH2 runs only when ALPN picks h2, and the client never sets allowH2), FormData request
 * bodies (the client sends strings), and the SIMD build of llhttp (client-h1 tries it first inside a
 * try and falls back to the portable build, which parses our small answers just as well). Each is a
 * module that throws if it is ever reached, so a change that starts using one fails loudly. Saves
 * about 125 KiB raw, 41 KiB in the .vsix.
 */
const undiciLeftOut = [
  { importer: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client\.js$/, request: './client-h2.js', what: 'HTTP/2 (allowH2)', exports: 'function connectH2() { fail(); }' },
  { importer: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h[12]\.js$/, request: '../web/fetch/body.js', what: 'FormData request bodies', exports: '{ extractBody() { fail(); } }' },
  // Required inside client-h1's try: failing at load is what makes it take the portable build.
  { importer: /[\\/]undici[\\/]lib[\\/]dispatcher[\\/]client-h1\.js$/, request: '../llhttp/llhttp_simd-wasm.js', what: 'the SIMD build of llhttp', exports: 'fail()' },
];
const trimUndici = {
  name: 'trim-undici',
  setup(build) {
    const used = new Set();
    build.onResolve({ filter: /client-h2\.js$|fetch[\\/]body\.js$|llhttp_simd-wasm\.js$/ }, (args) => {
      const left = undiciLeftOut.find((l) => l.request === args.path && l.importer.test(args.importer));
      if (!left) return undefined;
      used.add(left);
      return { path: left.what, namespace: 'undici-left-out' };
    });
    build.onLoad({ filter: /.*/, namespace: 'undici-left-out' }, (args) => {
      const left = undiciLeftOut.find((l) => l.what === args.path);
      const message = JSON.stringify(`${left.what} is left out of dist/undici.js (see esbuild.mjs)`);
      return { contents: `function fail() { throw new Error(${message}); }\nmodule.exports = ${left.exports};`, loader: 'js' };
    });
    // An undici update that moves one of these files would silently bundle it again: fail instead.
    build.onEnd((result) => {
      if (!watch && result.errors.length === 0 && used.size !== undiciLeftOut.length) {
        const missing = undiciLeftOut.filter((l) => !used.has(l)).map((l) => l.request);
        return { errors: [{ text: `trim-undici: undici no longer requires ${missing.join(', ')} from where esbuild.mjs expects; update undiciLeftOut` }] };
      }
      used.clear();
      return undefined;
    });
  },
};

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
  { ...common, entryPoints: ['src/core/http/undiciEntry.ts'], outfile: 'dist/undici.js', plugins: [trimUndici] },
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
