import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeFileSource, readTrackingFile, resumeOrRestart, type ReadPosition } from '../../src/core/trackingFileReader';

describe('tracking file reader', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-tracking-'));
    file = path.join(dir, '.veriff-sessions.jsonl');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Reads like the watcher: from the stored position, and stores the new one. */
  async function readOnce(stored: unknown): Promise<{ ids: string[]; position: unknown; restarted?: string }> {
    const result = await readTrackingFile(nodeFileSource(file), stored);
    return result ? { ids: result.entries.map((e) => e.id), position: result.position, restarted: result.restarted } : { ids: [], position: stored };
  }

  const line = (id: string) => `{"run":"nightly build of the kyc service against staging, suite passport-and-id-card","id":"${id}"}\n`;

  it('reads only what was appended since the last read', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    fs.writeFileSync(file, line(a));
    const first = await readOnce(undefined);
    assert.deepEqual(first.ids, [a]);
    fs.appendFileSync(file, line(b) + line(c));
    const second = await readOnce(first.position);
    assert.deepEqual(second.ids, [b, c]);
    assert.equal(second.restarted, undefined);
    assert.equal(await readTrackingFile(nodeFileSource(file), second.position), undefined, 'nothing new');
  });

  it('reads a file rewritten in place from the start even when its lines share a long prefix, and says why', async () => {
    const first = randomUUID();
    fs.writeFileSync(file, line(first));
    const before = await readOnce(undefined);
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    fs.writeFileSync(file, ids.map(line).join('')); // same inode, longer than before
    const after = await readOnce(before.position);
    assert.deepEqual(after.ids, ids, 'all four sessions of the rewritten file');
    assert.match(after.restarted ?? '', /rewritten|replaced/);
  });

  it('reads a file replaced by a new one (another inode) from the start, even with the same first line', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    fs.writeFileSync(file, line(a));
    const before = await readOnce(undefined);
    const next = path.join(dir, 'next.jsonl');
    fs.writeFileSync(next, line(a) + line(b));
    fs.renameSync(next, file);
    const after = await readOnce(before.position);
    assert.deepEqual(after.ids, [a, b]);
    assert.match(after.restarted ?? '', /replaced/);
  });

  it('reads a file that shrank from the start', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    fs.writeFileSync(file, line(a) + line(b));
    const before = await readOnce(undefined);
    fs.writeFileSync(file, `${c}\n`);
    const after = await readOnce(before.position);
    assert.deepEqual(after.ids, [c]);
    assert.match(after.restarted ?? '', /shrank/);
  });

  it('waits for an unfinished last line, and a gone file reads as nothing', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    fs.writeFileSync(file, `${a}\n${b.slice(0, 10)}`);
    const first = await readOnce(undefined);
    assert.deepEqual(first.ids, [a]);
    fs.appendFileSync(file, `${b.slice(10)}\n`);
    assert.deepEqual((await readOnce(first.position)).ids, [b]);
    fs.rmSync(file);
    assert.equal(await readTrackingFile(nodeFileSource(file), first.position), undefined);
  });

  it('counts a UTF-8 byte order mark in its byte offsets (found by the fuzz test)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${a}\n`)]));
    const first = await readOnce(undefined);
    assert.deepEqual(first.ids, [a]);
    assert.equal((first.position as ReadPosition).offset, fs.statSync(file).size);
    fs.appendFileSync(file, `${b}\n`);
    const second = await readOnce(first.position);
    assert.deepEqual(second.ids, [b]);
    assert.equal(second.restarted, undefined);
  });

  it('keeps inode, creation time and a hash of the first line, never the content', async () => {
    const a = randomUUID();
    fs.writeFileSync(file, `{"id":"${a}","label":"s3cret-label"}\n`);
    const { position } = await readOnce(undefined);
    const p = position as ReadPosition;
    assert.equal(p.ino, String(fs.statSync(file, { bigint: true }).ino));
    assert.match(p.firstLine ?? '', /^[0-9a-f]{32}$/);
    assert.ok(!JSON.stringify(p).includes('s3cret') && !JSON.stringify(p).includes(a.slice(0, 8)));
  });

  it('honours a position saved by an earlier version (first 64 bytes) and upgrades it', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    fs.writeFileSync(file, line(a) + line(b));
    const legacy = { offset: Buffer.byteLength(line(a)), line: 2, head: Buffer.from(line(a)).subarray(0, 64).toString('hex') };
    const result = await readTrackingFile(nodeFileSource(file), legacy);
    assert.deepEqual(result?.entries.map((e) => e.id), [b]);
    assert.equal(result?.restarted, undefined);
    assert.equal(result?.position.head, undefined);
    assert.match(result?.position.firstLine ?? '', /^[0-9a-f]{32}$/);
  });

  it('decides from size, inode, creation time and first line', () => {
    const stored: ReadPosition = { offset: 100, line: 3, ino: '7', birthtimeMs: 1000, firstLine: 'aa' };
    const same = { size: 150, ino: '7', birthtimeMs: 1000, firstLine: 'aa' };
    assert.equal(resumeOrRestart(stored, same), undefined);
    assert.match(resumeOrRestart(stored, { ...same, size: 99 }) ?? '', /shrank/);
    assert.match(resumeOrRestart(stored, { ...same, ino: '8' }) ?? '', /replaced.*inode/);
    assert.match(resumeOrRestart(stored, { ...same, birthtimeMs: 2000 }) ?? '', /replaced.*creation/);
    assert.match(resumeOrRestart(stored, { ...same, firstLine: 'bb' }) ?? '', /rewritten/);
    assert.equal(resumeOrRestart(stored, { size: 150, firstLine: 'aa' }), undefined, 'no inode or creation time (another file system): the first line decides');
    assert.equal(resumeOrRestart(stored, { ...same, birthtimeMs: 0 }), undefined, 'a creation time of 0 is unknown');
    assert.equal(resumeOrRestart({ offset: 0, line: 1 }, { size: 0 }), undefined);
  });
});
