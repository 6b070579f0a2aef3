// Builds dist/extension.js (the activation path) and the bundles it loads only when needed:
//   dist/commands.js  the command bodies (prompts, the delete flow, tidy-up, the budget view…),
//                     on the first command run
//   dist/veriff.js    what talks to Veriff: the client, the delete pipeline, the queue runner,
//                     status refreshes; on the first request or delete, or when the queue has work
//   dist/tracking.js  turning text into tracked sessions (ids, the tracking-file reader), when
//                     a tracking file has news, the API tracks, or a tracking command runs
//   dist/undici.js    the HTTP stack, on the first request
//   dist/localSandbox.js  the VS Code side of the sandbox and the demo, on a sandbox command, or at
//                     activation when a sandbox was running or left a sandbox.json
//   dist/sandbox.js   the local Veriff sandbox server, when the sandbox starts or the demo runs
//   dist/lockfile.js  what only writes run: the cross-process lock (proper-lockfile) and writing by
//                     rename, on the first write of a shared store
// Each lazy part is `require`d by exactly one loader in the sources; esbuild rewrites that
// `require` to the part's file, and any other import of the part from another bundle fails the build.
//
// One copy of every module: a source file belongs to the first bundle (in the order of `parts`)
// that reaches it. A later bundle that imports it gets that bundle's module object at run time
// (`require('./extension.js').linkedModules[file]`), so classes (instanceof), singletons and
// module state exist once. After the build, a check fails it if any file is in two bundles.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
/** `--meta=<file>`: also write esbuild's metafile of every bundle there (which file holds what). */
const metaFile = process.argv.find((a) => a.startsWith('--meta='))?.slice('--meta='.length);
const root = process.cwd();

/**
 * The bundles, owners first. `loader`: the one source file whose `require` of `entry` loads the
 * part; `dirs`: folders only the part may hold (another bundle importing them fails the build).
 */
const parts = [
  { name: 'extension', entry: 'src/extension.ts' },
  { name: 'veriff', entry: 'src/vscode/veriffPart.ts', loader: 'src/vscode/loadVeriffPart.ts' },

  { name: 'tracking', entry: 'src/vscode/trackingPart.ts', loader: 'src/vscode/loadTrackingPart.ts' },
  {
    name: 'commands',
    entry: 'src/vscode/commands/commandBodies.ts',
    loader: 'src/vscode/commands/loadCommands.ts',
    dirs: ['src/vscode/commands/budget', 'src/vscode/commands/credentials', 'src/vscode/commands/sandbox', 'src/vscode/commands/sessions', 'src/vscode/commands/tracking', 'src/vscode/deleteFlow'],
  },
  { name: 'localSandbox', entry: 'src/vscode/sandbox/sandboxPart.ts', loader: 'src/vscode/sandbox/loadSandboxPart.ts' },
  { name: 'sandbox', entry: 'src/sandbox/index.ts', loader: 'src/vscode/sandbox/loadSandbox.ts', dirs: ['src/sandbox'] },
  { name: 'undici', entry: 'src/core/http/undiciEntry.ts', loader: 'src/core/http/dispatcher.ts' },
  { name: 'lockfile', entry: 'src/core/store/storeWrites.ts', loader: 'src/core/store/lock.ts' },
];

const rel = (file) => path.relative(root, file).split(path.sep).join('/');
const inside = (file, dir) => file === path.resolve(dir) || file.startsWith(path.resolve(dir) + path.sep);

/**
 * Resolves every import of a bundle: a lazy part's entry becomes `require('./<part>.js')` in its
 * loader (and an error anywhere else); a file an earlier bundle holds becomes a reference to that
 * bundle's module (`linked`); anything else is bundled.
 */
function resolveParts(self, owners, needed) {
  return {
    name: 'parts',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point' || args.namespace === 'linked') return undefined;
        const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: { inner: true } });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        if (resolved.external) return undefined;
        for (const part of parts) {
          if (part === self) continue;
          const isEntry = resolved.path === path.resolve(part.entry);
          const inDirs = (part.dirs ?? []).some((d) => inside(resolved.path, d)) && !(self.dirs ?? []).some((d) => inside(resolved.path, d));
          if (!isEntry && !inDirs) continue;
          if (isEntry && args.kind === 'require-call' && args.importer === path.resolve(part.loader)) return { path: `./${part.name}.js`, external: true };
          return { errors: [{ text: `${args.path} belongs to dist/${part.name}.js, which is loaded lazily: import it only through ${part.loader} (type-only imports elsewhere are fine)` }] };
        }
        const owner = owners.get(rel(resolved.path));
        if (!owner) return undefined;
        needed.get(owner).add(rel(resolved.path));
        return { path: rel(resolved.path), namespace: 'linked', pluginData: { owner } };
      });
      build.onLoad({ filter: /.*/, namespace: 'linked' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${args.pluginData.owner}.js`)}).linkedModules[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      build.onResolve({ filter: /.*/, namespace: 'linked' }, (args) => ({ path: args.path, external: true }));
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
  external: ['vscode'],
  metafile: true,
  write: false,
};

/** The entry of a bundle others link to: the part's own exports and `linkedModules`. */
function entryWithTable(part, files) {
  const imports = [...files].sort().map((f, i) => `import * as m${i} from ${JSON.stringify(`./${f}`)};`);
  const table = [...files].sort().map((f, i) => `${JSON.stringify(f)}: m${i}`);
  return {
    stdin: {
      contents: `export * from ${JSON.stringify(`./${part.entry}`)};\n${imports.join('\n')}\nexport const linkedModules = { ${table.join(', ')} };\n`,
      resolveDir: root,
      sourcefile: `${part.name}-entry.js`,
      loader: 'js',
    },
  };
}

function options(part, owners, needed, table) {
  return {
    ...common,
    ...(table ? entryWithTable(part, table) : { entryPoints: [part.entry] }),
    outfile: `dist/${part.name}.js`,
    // trimUndici first: its stand-ins take the place of the undici modules it leaves out.
    plugins: [...(part.name === 'undici' ? [trimUndici] : []), resolveParts(part, owners, needed)],
  };
}

const sourceFiles = (result) => Object.keys(result.metafile.inputs).filter((f) => !f.startsWith('linked:') && !f.endsWith('-entry.js'));

async function buildAll() {
  const owners = new Map(); // source file → name of the bundle holding it
  const needed = new Map(parts.map((p) => [p.name, new Set()]));
  const results = new Map();
  const ownersBefore = new Map();
  for (const part of parts) {
    ownersBefore.set(part.name, new Map(owners));
    const result = await esbuild.build(options(part, owners, needed));
    results.set(part.name, result);
    for (const file of sourceFiles(result)) {
      if (!owners.has(file)) owners.set(file, part.name);
    }
  }
  // Bundles others link to are built again with the table of the modules those others use.
  for (const part of parts.filter((p) => needed.get(p.name).size > 0)) {
    const before = sourceFiles(results.get(part.name)).sort().join('\n');
    const unused = new Map(parts.map((p) => [p.name, new Set()]));
    const result = await esbuild.build(options(part, ownersBefore.get(part.name), unused, needed.get(part.name)));
    if (sourceFiles(result).sort().join('\n') !== before) throw new Error(`dist/${part.name}.js changed its files when its module table was added`);
    results.set(part.name, result);
  }
  checkOneCopy(results);
  fs.rmSync('dist', { recursive: true, force: true });
  fs.mkdirSync('dist', { recursive: true });
  for (const result of results.values()) {
    for (const file of result.outputFiles) fs.writeFileSync(file.path, file.contents);
  }
  if (metaFile) fs.writeFileSync(metaFile, JSON.stringify(Object.fromEntries([...results].map(([name, r]) => [name, r.metafile]))));
}

/** Fails the build when a file (source or package) is bundled into two dist files. */
function checkOneCopy(results) {
  const seen = new Map();
  const twice = [];
  for (const [name, result] of results) {
    for (const file of sourceFiles(result)) {
      if (seen.has(file)) twice.push(`${file}: dist/${seen.get(file)}.js and dist/${name}.js`);
      else seen.set(file, name);
    }
  }
  if (twice.length > 0) throw new Error(`bundled twice (one copy of every module: link it, or let one part hold it):\n  ${twice.join('\n  ')}`);
}

const started = Date.now();
await buildAll();
console.log(`[build] dist/ built in ${Date.now() - started} ms (${production ? 'production' : 'development'})`);
if (watch) {
  let timer;
  fs.watch('src', { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => buildAll().then(() => console.log('[watch] rebuilt'), (e) => console.error(`[watch] ${e.message}`)), 100);
  });
  console.log('[watch] watching src/ for changes');
}
