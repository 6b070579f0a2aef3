// Packs the extension with the real @vscode/vsce (as `npm run package` does, from a staged copy of
// the checkout) into a temp folder and checks what ships: the allowlist in .vscodeignore, the lazily
// loaded bundles, the Marketplace metadata.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { repoRoot, stageCheckout, vsce } from '../support/vsix';

interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** Reads a zip's central directory (what a .vsix is); enough for vsce's stored and deflated entries. */
function readZip(buffer: Buffer): ZipEntry[] {
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 0xffff); i--) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new Error('not a zip file (no end of central directory)');
  }
  const count = buffer.readUInt16LE(eocd + 10);
  let at = buffer.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(buffer.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = buffer.readUInt16LE(at + 10);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const nameLength = buffer.readUInt16LE(at + 28);
    const extraLength = buffer.readUInt16LE(at + 30);
    const commentLength = buffer.readUInt16LE(at + 32);
    const localHeader = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength);
    entries.push({
      name,
      read: () => {
        const start = localHeader + 30 + buffer.readUInt16LE(localHeader + 26) + buffer.readUInt16LE(localHeader + 28);
        const data = buffer.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return zlib.inflateRawSync(data);
        throw new Error(`${name}: unsupported compression method ${method}`);
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(path.join(repoRoot, dir))) return [];
  return fs
    .readdirSync(path.join(repoRoot, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(repoRoot, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

/** The bundles esbuild.mjs builds: the activation bundle and the parts it loads when needed. */
const BUNDLES = ['extension', 'veriff', 'tracking', 'commands', 'localSandbox', 'sandbox', 'undici', 'lockfile'].map((b) => `dist/${b}.js`);

/** What may ship, as the .vsix names it (vsce renames README/CHANGELOG/LICENSE). */
function expectedVsixFiles(): string[] {
  const packageFiles = [
    'package.json',
    'readme.md',
    'changelog.md',
    'LICENSE.txt',
    ...BUNDLES,
    ...fs.readdirSync(repoRoot).filter((f) => /^package\.nls(\.[\w-]+)?\.json$/.test(f)),
    ...filesUnder('l10n'),
    'media/icon.png',
    'media/veriff.svg',
    ...filesUnder('media/walkthrough'),
  ];
  return ['[Content_Types].xml', 'extension.vsixmanifest', ...packageFiles.map((f) => `extension/${f}`)].sort();
}

function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.toString('latin1', 1, 4), 'PNG', 'a PNG file');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('packaging: the .vsix built by vsce', function () {
  this.timeout(180000);
  let tmp: string;
  let stage: string;
  let vsixPath: string;
  let entries: ZipEntry[];
  const file = (name: string): Buffer => {
    const entry = entries.find((e) => e.name === name);
    assert.ok(entry, `${name} is in the .vsix`);
    return entry.read();
  };

  before(function () {
    for (const f of BUNDLES) {
      assert.ok(fs.existsSync(path.join(repoRoot, f)), `${f} exists (run \`npm run build\` first)`);
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-vsix-'));
    vsixPath = path.join(tmp, 'veriff-test-sessions.vsix');
    stage = stageCheckout();
    vsce(['package', '--no-dependencies', '--out', vsixPath], stage);
    entries = readZip(fs.readFileSync(vsixPath));
  });

  after(() => {
    for (const dir of [tmp, stage]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds exactly the allowlisted files', () => {
    assert.deepEqual(entries.map((e) => e.name).sort(), expectedVsixFiles());
  });

  it('ships no dependencies, sources, source maps, tests or build output of the tests', () => {
    const names = entries.map((e) => e.name);
    const bad = names.filter((n) => /(^|\/)(node_modules|src|test|out|\.vscode-test|scripts|docs)\//.test(n) || /\.(map|ts|vsix)$/.test(n));
    assert.deepEqual(bad, []);
    const scripts = names.filter((n) => /\.(js|cjs|mjs)$/.test(n)).sort();
    assert.deepEqual(scripts, BUNDLES.map((b) => `extension/${b}`).sort(), 'the only scripts are the bundles');
  });

  it('keeps undici out of the activation bundle: only the Veriff part (dist/veriff.js) refers to the lazy dist/undici.js', () => {
    const main = file('extension/dist/extension.js').toString('utf8');
    const client = file('extension/dist/veriff.js').toString('utf8');
    const http = file('extension/dist/undici.js').toString('utf8');
    assert.match(main, /require\(["']\.\/veriff\.js["']\)/, 'the client is loaded lazily from its bundle');
    assert.match(client, /require\(["']\.\/undici\.js["']\)/, 'which loads undici lazily from the separate bundle');
    assert.doesNotMatch(main, /undici/, 'the activation bundle does not refer to undici at all');
    assert.doesNotMatch(client, /require\(["']undici["']\)/, 'no require of the undici package itself');
    // The HTTP parser, the pool's and the proxy agent's internals (what the client uses).
    for (const marker of ['llhttp', 'kConnected', 'kGetDispatcher', 'proxy tls settings', 'Proxy-Authorization']) {
      assert.ok(http.includes(marker), `${marker} is undici's (found in dist/undici.js)`);
      assert.ok(!main.includes(marker), `${marker} is not in dist/extension.js`);
    }
    // llhttp is WebAssembly embedded as base64: tens of KiB in one string.
    const wasm = /[A-Za-z0-9+/]{10000,}/;
    assert.match(http, wasm, 'dist/undici.js embeds the HTTP parser');
    assert.doesNotMatch(main, wasm, 'dist/extension.js does not');
  });

  it('bundles only the parts of undici the client uses (its subpath modules, not the whole index)', () => {
    const http = file('extension/dist/undici.js').toString('utf8');
    // Exported by undici's index only: the other agents, mocks, fetch's EventSource, the caches.
    for (const marker of ['EnvHttpProxyAgent', 'RetryAgent', 'MockAgent', 'EventSource', 'SqliteCacheStore']) {
      assert.ok(!http.includes(marker), `${marker} is not bundled`);
    }
    assert.match(http, /\bPool\b/);
    assert.match(http, /\bProxyAgent\b/);
  });

  it('keeps the sandbox server out of the activation bundle: dist/extension.js only refers to the lazy dist/sandbox.js', () => {
    const main = file('extension/dist/extension.js').toString('utf8');
    const sandbox = file('extension/dist/sandbox.js').toString('utf8');
    assert.match(main, /require\(["']\.\/sandbox\.js["']\)/, 'loaded lazily from the separate bundle');
    for (const marker of ['Misdirected request', 'The control API answers loopback clients only', 'Veriff local sandbox']) {
      assert.ok(sandbox.includes(marker), `${marker} is the sandbox server's (found in dist/sandbox.js)`);
      assert.ok(!main.includes(marker), `${marker} is not in dist/extension.js`);
    }
    const required = [...sandbox.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    // Besides Node, only the bundles holding the core modules it shares (one copy of each, see esbuild.mjs).
    assert.deepEqual([...new Set(required.filter((r) => !r.startsWith('node:')))].sort(), ['./extension.js', './veriff.js'], 'no vscode, no undici');
  });

  it('holds every module in one bundle: a later bundle uses the module of the bundle that holds it', () => {
    const text = new Map(BUNDLES.map((b) => [b, file(`extension/${b}`).toString('utf8')]));
    const holders = (marker: string) => BUNDLES.filter((b) => text.get(b)!.includes(marker));
    // A string each module has once: UserCancelledError (prompts.ts, thrown in commands.js, caught in
    // extension.js), a failure text (failureText.ts), a prompt of a command, a tracking-file warning.
    assert.deepEqual(holders('"UserCancelledError"'), ['dist/extension.js']);
    assert.deepEqual(holders('Veriff did not answer in time'), ['dist/veriff.js']);
    assert.deepEqual(holders('Edit an integration or add one'), ['dist/commands.js']);
    assert.deepEqual(holders('line ignored, no integration is named'), ['dist/tracking.js']);
    const commands = text.get('dist/commands.js')!;
    assert.match(commands, /require\("\.\/extension\.js"\)\.linkedModules\["src\/vscode\/prompts\.ts"\]/, 'commands.js takes prompts.ts from extension.js');
  });

  it('keeps proper-lockfile out of the activation bundle: dist/extension.js only refers to the lazy dist/lockfile.js', () => {
    const main = file('extension/dist/extension.js').toString('utf8');
    const lockfile = file('extension/dist/lockfile.js').toString('utf8');
    assert.match(main, /require\(["']\.\/lockfile\.js["']\)/, 'loaded lazily from the separate bundle');
    assert.doesNotMatch(main, /require\(["']proper-lockfile["']\)/, 'no require of the package itself (it does not ship)');
    for (const marker of ['ECOMPROMISED', 'Lock file is already being held', 'graceful-fs']) {
      assert.ok(lockfile.includes(marker), `${marker} is proper-lockfile's (found in dist/lockfile.js)`);
      assert.ok(!main.includes(marker), `${marker} is not in dist/extension.js`);
    }
  });

  it('carries the Marketplace metadata: icon, banner, repository, license', () => {
    const manifest = JSON.parse(file('extension/package.json').toString('utf8'));
    assert.equal(manifest.license, 'MIT');
    assert.equal(manifest.repository.url, 'https://github.com/veriff-test-sessions/veriff-test-sessions');
    assert.match(manifest.bugs.url, /^https:\/\/github\.com\/veriff-test-sessions\/veriff-test-sessions\/issues$/);
    assert.match(manifest.homepage, /^https:\/\//);
    assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
    assert.match(manifest.icon, /\.png$/);
    const icon = pngSize(file(`extension/${manifest.icon}`));
    assert.ok(icon.width >= 128 && icon.width === icon.height, `icon is square and at least 128 px (${icon.width}×${icon.height})`);
    const vsixManifest = file('extension.vsixmanifest').toString('utf8');
    assert.match(vsixManifest, /<Icon>extension\/media\/icon\.png<\/Icon>/);
    assert.match(vsixManifest, /Microsoft\.VisualStudio\.Services\.Links\.Source" Value="https:\/\/github\.com\/veriff-test-sessions\/veriff-test-sessions/);
    assert.match(vsixManifest, /<License>extension\/LICENSE\.txt<\/License>/);
    assert.match(file('extension/LICENSE.txt').toString('utf8'), /^MIT License[\s\S]*Veriff Test Sessions contributors/);
    assert.match(file('extension/changelog.md').toString('utf8'), new RegExp(`## \\[${manifest.version.replace(/\./g, '\\.')}\\]`), 'CHANGELOG has an entry for this version');
  });

  it('`vsce ls` lists the same files as the package', () => {
    const listed = vsce(['ls', '--no-dependencies'], stage)
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((f) => `extension/${f.replace(/^README\.md$/, 'readme.md').replace(/^CHANGELOG\.md$/, 'changelog.md').replace(/^LICENSE$/, 'LICENSE.txt')}`)
      .sort();
    assert.deepEqual(listed, entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).sort());
  });
});

describe('manifest: menus, welcome views and keybindings a VS Code user expects', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8'));
  const text = (value: string): string => value.replace(/^%(.+)%$/, (_, key: string) => nls[key] ?? value);
  const menus = manifest.contributes.menus;

  /** Evaluates the `resourceExtname =~ /…/flags` part of a when clause for one file name's extension. */
  function extnameMatches(when: string, extname: string): boolean {
    const m = /resourceExtname =~ \/(.+?)\/([a-z]*)(?=\s|$)/.exec(when);
    assert.ok(m, `the when clause limits by resourceExtname: ${when}`);
    return new RegExp(m[1], m[2]).test(extname);
  }

  it('each welcome view offers at most 3 actions (buttons)', () => {
    const welcome: Array<{ contents: string; when?: string }> = manifest.contributes.viewsWelcome;
    assert.ok(welcome.length > 0);
    for (const view of welcome) {
      const contents = text(view.contents);
      const buttons = contents.split('\n').filter((line) => /^\s*\[[^\]]+\]\(command:[^)]+\)\s*$/.test(line));
      assert.ok(buttons.length >= 1 && buttons.length <= 3, `${buttons.length} buttons in "${contents.slice(0, 60)}…"`);
    }
    // Views shown together (same `when`) count together.
    const byWhen = new Map<string, number>();
    for (const view of welcome) {
      const n = text(view.contents).split('\n').filter((line) => /^\s*\[[^\]]+\]\(command:[^)]+\)\s*$/.test(line)).length;
      byWhen.set(view.when ?? '', (byWhen.get(view.when ?? '') ?? 0) + n);
    }
    for (const [when, n] of byWhen) {
      assert.ok(n <= 3, `${n} buttons when ${when}`);
    }
  });

  it('uses no AI-looking sparkle icon; Tidy Up sits outside the main toolbar with $(clear-all)', () => {
    const raw = fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8') + fs.readFileSync(path.join(repoRoot, 'package.nls.json'), 'utf8');
    assert.doesNotMatch(raw, /sparkle/i);
    const commands: Array<{ command: string; icon?: string }> = manifest.contributes.commands;
    assert.equal(commands.find((c) => c.command === 'veriff.tidyUp')?.icon, '$(clear-all)');
    const title: Array<{ command: string; group: string }> = menus['view/title'];
    const tidy = title.find((m) => m.command === 'veriff.tidyUp');
    assert.ok(tidy, 'Tidy Up is in the view title menu');
    assert.doesNotMatch(tidy.group, /^navigation/, 'not in the main toolbar (navigation group)');
  });

  it('offers "Track Sessions from File…" in the Explorer only for .log, .json, .jsonl and .txt files', () => {
    const entries: Array<{ command: string; when: string }> = menus['explorer/context'].filter((m: { command: string }) => m.command === 'veriff.trackFile');
    assert.equal(entries.length, 1);
    const when = entries[0].when;
    assert.match(when, /!explorerResourceIsFolder/);
    for (const ext of ['.log', '.json', '.jsonl', '.txt', '.LOG']) {
      assert.ok(extnameMatches(when, ext), `${ext} offers it`);
    }
    for (const ext of ['.ts', '.png', '.md', '.jsonc', '.logs', '']) {
      assert.ok(!extnameMatches(when, ext), `${ext || 'no extension'} does not`);
    }
  });

  it('shows the terminal entry only with shell integration, and Tidy Up This Run in the palette', () => {
    const terminal: Array<{ command: string; when?: string }> = menus['terminal/context'];
    assert.match(terminal.find((m) => m.command === 'veriff.trackTerminal')?.when ?? '', /\bterminalShellIntegrationEnabled\b/);
    const palette: Array<{ command: string; when?: string }> = menus.commandPalette;
    assert.notEqual(palette.find((m) => m.command === 'veriff.tidyUpRun')?.when, 'false');
  });

  it('binds Delete (Cmd+Backspace on macOS) on the focused sessions view to Delete Session with the view\'s selection', () => {
    const keybindings: Array<{ command: string; key: string; mac?: string; when?: string; args?: unknown }> = manifest.contributes.keybindings;
    const binding = keybindings.find((k) => k.command === 'veriff.deleteSession');
    assert.ok(binding, 'a keybinding runs veriff.deleteSession');
    assert.equal(binding.key, 'delete');
    assert.equal(binding.mac, 'cmd+backspace');
    assert.match(binding.when ?? '', /focusedView == veriff\.sessions/);
    assert.match(binding.when ?? '', /!inputFocus/);
    assert.deepEqual(binding.args, { selectionOf: 'veriff.sessions' });
  });
});
