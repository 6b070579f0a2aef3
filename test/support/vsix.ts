// Runs the real @vscode/vsce on a staging copy of the checkout: the files git lists (tracked and
// new, not ignored) plus the build output (dist/, out/). vsce matches every file under its folder
// against each .vscodeignore pattern, and the checkout also holds the VS Code test runtime
// (.vscode-test/, ~15,000 files): packing the checkout itself costs ~10 s of CPU, the copy ~1 s.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
const vsceBin = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
const SKIPPED = new Set(['.git', 'node_modules', '.vscode-test', 'test-results', 'bench-results']);

function listedByGit(): string[] | undefined {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\0').filter(Boolean) : undefined;
}

function filesUnder(dir: string, skip: Set<string> = new Set()): string[] {
  const root = path.join(repoRoot, dir);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => !skip.has(e.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.isFile() ? [path.join(dir, e.name)] : []));
}

/** A temporary copy of the checkout as vsce would pack it; the caller removes it. */
export function stageCheckout(): string {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-stage-'));
  const files = new Set([...(listedByGit() ?? filesUnder('', SKIPPED)), ...filesUnder('dist'), ...filesUnder('out')]);
  for (const file of files) {
    const from = path.join(repoRoot, file);
    if (!fs.existsSync(from)) continue; // deleted in the work tree but still in the index
    fs.mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
    fs.copyFileSync(from, path.join(stage, file));
  }
  return stage;
}

/** Runs vsce with `args` in `cwd` (a staged checkout); fails the test with vsce's output if it fails. */
export function vsce(args: string[], cwd: string): string {
  const r = spawnSync(process.execPath, [vsceBin, ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, `vsce ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Packs the extension as `npm run package` does (no dependencies) into `vsixPath`. */
export function packageVsix(vsixPath: string): void {
  const stage = stageCheckout();
  try {
    vsce(['package', '--no-dependencies', '--out', vsixPath], stage);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
