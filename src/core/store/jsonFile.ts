import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storeWrites, withLock, withLockSync, type LockOptions } from './lock';

/** How one kind of document is read from and written to JSON. */
export interface DocumentCodec<T> {
  /** The document, or undefined when the JSON is not such a document at all (the file counts as damaged). */
  decode(json: unknown, onWarning: (message: string) => void): T | undefined;
  encode(doc: T): unknown;
  empty(): T;
}

/** A damaged (or vanished) file, and what its content was taken from instead. */
export interface Recovery {
  /** The damaged file. */
  file: string;
  reason: string;
  /** 'backup': the last-good copy `<file>.bak` was used; 'nothing': no usable copy, the document starts empty. */
  from: 'backup' | 'nothing';
  /** Where the damaged file was kept (set once a write replaced it; it is never deleted). */
  keptAs?: string;
}

export interface JsonFileHooks {
  lock?: LockOptions;
  onRecovered?: (recovery: Recovery) => void;
  /** Problems inside a readable document (a dropped record, a repaired field). */
  onWarning?: (message: string) => void;
  /** After each write of this process, with the file's new signature. */
  onWritten?: (signature: string) => void;
}

/** What `update` does with the document read under the lock. */
export interface Transition<T, R> {
  next: T;
  result: R;
}

/** Cheap identity of a file version (inode, size, times); undefined when the file is missing. */
export function signatureOf(file: string): string | undefined {
  try {
    const s = fs.statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return undefined;
  }
}

interface Loaded<T> {
  doc: T;
  /** The file's text when it was usable (a write of the same text is skipped). */
  text?: string;
  damage?: { reason: string; from: Recovery['from'] };
}

const MAX_OPTIMISTIC_RETRIES = 3;

/**
 * One JSON document in a file that several processes share. Reads need no lock: every write goes
 * to a temporary file with a unique name and is renamed over the document, so a reader sees the
 * old or the new version, never half of one. Changes are read-modify-write under the file's
 * cross-process lock. After each write the same text goes to `<name>.bak`, the last-good copy:
 * a damaged document is read from it (and the caller told), never replaced by an empty one; the
 * damaged file is kept as `<name>.corrupt-<time>` when the next write replaces it.
 */
export class JsonDocumentFile<T> {
  readonly path: string;
  readonly backupPath: string;
  private lastReported: string | undefined;
  private damagedWhenRead = false;

  constructor(
    readonly dir: string,
    readonly name: string,
    private readonly codec: DocumentCodec<T>,
    private readonly hooks: JsonFileHooks = {},
  ) {
    this.path = path.join(dir, name);
    this.backupPath = `${this.path}.bak`;
  }

  /** The current document, without the lock (a damaged file is read from its last-good copy). */
  read(): T {
    const loaded = this.load();
    this.damagedWhenRead = loaded.damage !== undefined;
    if (loaded.damage) {
      this.report(loaded.damage, undefined);
    }
    return loaded.doc;
  }

  /** The last `read` found the file damaged (or missing beside its copy), and no write of this object has replaced it since. */
  get damaged(): boolean {
    return this.damagedWhenRead;
  }

  /**
   * Reads the document under the lock, hands it to `change`, and writes what it returns when that
   * differs. `change` runs synchronously and may run again (rarely: when the file changed although
   * the lock was held, e.g. taken over as stale), so it must only compute from its argument.
   */
  update<R>(change: (current: T) => Transition<T, R>): Promise<R> {
    return withLock(this.path, () => this.transact(change), this.hooks.lock);
  }

  /** `update` blocking the thread (shutdown only); undefined when this process is itself busy with the file. */
  updateSync<R>(change: (current: T) => Transition<T, R>): { value: R } | undefined {
    fs.mkdirSync(this.dir, { recursive: true });
    return withLockSync(this.path, () => this.transact(change), this.hooks.lock);
  }

  private transact<R>(change: (current: T) => Transition<T, R>): R {
    fs.mkdirSync(this.dir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const before = signatureOf(this.path);
      const loaded = this.load();
      const { next, result } = change(loaded.doc);
      const text = JSON.stringify(this.codec.encode(next));
      if (!loaded.damage && text === loaded.text) {
        this.damagedWhenRead = false;
        return result;
      }
      // The file must still be the one read, checked after the slow part (writing the temporary
      // file, which a busy disk can stall for seconds, long enough for the lock to be taken over
      // as stale) and right before the rename, so another writer's version is never replaced unread.
      const writes = storeWrites(); // loaded: this runs under the lock
      const tmp = writes.writeTemporary(this.path, text);
      if (signatureOf(this.path) !== before) {
        fs.rmSync(tmp, { force: true });
        if (attempt < MAX_OPTIMISTIC_RETRIES) {
          continue;
        }
        throw new Error(`${this.path} kept changing while locked`);
      }
      let keptAs: string | undefined;
      if (loaded.damage && before !== undefined) {
        keptAs = `${this.path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}`;
        fs.renameSync(this.path, keptAs);
      }
      writes.commitTemporary(tmp, this.path);
      const written = signatureOf(this.path);
      writes.writeAtomic(this.backupPath, text);
      this.damagedWhenRead = false;
      if (written !== undefined) {
        this.hooks.onWritten?.(written);
      }
      if (loaded.damage) {
        this.report(loaded.damage, keptAs);
      }
      return result;
    }
  }

  private load(): Loaded<T> {
    const main = this.parse(this.path);
    if (main.kind === 'ok') {
      return { doc: main.doc, text: main.text };
    }
    const backup = this.parse(this.backupPath);
    if (main.kind === 'missing' && backup.kind === 'missing') {
      return { doc: this.codec.empty() };
    }
    const reason = main.kind === 'missing' ? 'the file is missing but its last-good copy exists' : main.reason;
    if (backup.kind === 'ok') {
      return { doc: backup.doc, damage: { reason, from: 'backup' } };
    }
    return { doc: this.codec.empty(), damage: { reason, from: 'nothing' } };
  }

  private parse(file: string): { kind: 'ok'; doc: T; text: string } | { kind: 'missing' } | { kind: 'damaged'; reason: string } {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'damaged', reason: message(err) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { kind: 'damaged', reason: `not valid JSON (${message(err)})` };
    }
    const doc = this.codec.decode(json, (m) => this.hooks.onWarning?.(m));
    return doc === undefined ? { kind: 'damaged', reason: 'not a document of this kind' } : { kind: 'ok', doc, text };
  }

  /** Tells the caller once per damaged version (reads happen on every change notification). */
  private report(damage: { reason: string; from: Recovery['from'] }, keptAs: string | undefined): void {
    const key = `${signatureOf(this.path) ?? 'missing'}|${damage.reason}|${keptAs ?? ''}`;
    if (key === this.lastReported) {
      return;
    }
    this.lastReported = key;
    this.hooks.onRecovered?.({ file: this.path, reason: damage.reason, from: damage.from, ...(keptAs ? { keptAs } : {}) });
  }
}

/** Removes temporary files left by writers that died between write and rename. */
export function removeStaleTemporaries(dir: string, olderThanMs = 60_000, now = Date.now()): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/\.\d+\.[0-9a-f]{12}\.tmp$/.test(name)) {
      continue;
    }
    const file = path.join(dir, name);
    try {
      if (now - fs.statSync(file).mtimeMs > olderThanMs) {
        fs.rmSync(file, { force: true });
        removed++;
      }
    } catch {
      // Renamed or removed meanwhile.
    }
  }
  return removed;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
