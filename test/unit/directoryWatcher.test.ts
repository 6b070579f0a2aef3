import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DirectoryWatcher } from '../../src/core/store/directoryWatcher';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('store folder watcher: watching starts right after start()', () => {
  let dir: string;
  let watcher: DirectoryWatcher | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-dirwatch-'));
    fs.writeFileSync(path.join(dir, 'sessions.json'), '{"v":1}');
  });
  afterEach(() => {
    watcher?.dispose();
    watcher = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a write made between start() and the deferred fs.watch (versions are recorded at start)', async () => {
    const changes: string[][] = [];
    watcher = new DirectoryWatcher(dir, { isWatched: (n) => n.endsWith('.json'), onChange: (names) => changes.push(names), pollMs: 60_000 });
    watcher.start();
    // Another window writes before this one watches: same size, so only inode/times tell it apart.
    fs.writeFileSync(path.join(dir, 'sessions.json.tmp'), '{"v":2}');
    fs.renameSync(path.join(dir, 'sessions.json.tmp'), path.join(dir, 'sessions.json'));
    fs.writeFileSync(path.join(dir, 'queue.json'), '{}');
    await tick();
    assert.deepEqual(changes.flat().sort(), ['queue.json', 'sessions.json']);
  });

  it('reports nothing for the files as they were at start(), and a watcher disposed before watching began reports nothing', async () => {
    const live: string[][] = [];
    const gone: string[][] = [];
    watcher = new DirectoryWatcher(dir, { isWatched: (n) => n.endsWith('.json'), onChange: (names) => live.push(names), pollMs: 60_000 });
    watcher.start();
    const early = new DirectoryWatcher(dir, { isWatched: (n) => n.endsWith('.json'), onChange: (names) => gone.push(names), pollMs: 60_000 });
    early.start();
    early.dispose();
    await tick();
    assert.deepEqual(live, [], 'the versions recorded at start are not changes');
    fs.writeFileSync(path.join(dir, 'queue.json'), '{}');
    for (const deadline = Date.now() + 5000; live.length === 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(live.flat(), ['queue.json'], 'the live watcher sees the later write');
    assert.deepEqual(gone, [], 'the disposed one never watched');
  });
});
