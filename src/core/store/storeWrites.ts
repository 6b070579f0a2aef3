import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as lockfile from 'proper-lockfile';

// Entry of dist/lockfile.js: what only a write to a shared store runs, loaded through lock.ts on
// the first write (reads take no lock): the cross-process lock (proper-lockfile and its
// dependencies take tens of milliseconds to initialise) and writing a file by rename.
//
// The lock of one store file is proper-lockfile's `<file>.lock` directory (mkdir is atomic on every
// file system VS Code runs on), kept fresh while held and taken over once its mtime is older than
// `staleMs` (a writer that crashed or was killed while holding it). The work done under it is
// synchronous (read, change, write, rename): nothing else of this process runs meanwhile, the lock
// is held for milliseconds, and it cannot go stale under a living holder.

export interface LockOptions {
  /** A lock not refreshed for this long belongs to a dead writer and is taken over (min 2000). */
  staleMs?: number;
  /** Give up waiting for the lock after this long (default: staleMs + 5 s, so a dead writer's lock is always reached). */
  timeoutMs?: number;
}

const DEFAULT_STALE_MS = 5000;
const MIN_STALE_MS = 2000;

export class LockTimeoutError extends Error {
  readonly code = 'ELOCKTIMEOUT';
  constructor(target: string, waitedMs: number) {
    super(`Could not lock ${target} within ${waitedMs} ms (another window holds it)`);
  }
}

/** In-process queue per file, so that one process's writers wait their turn instead of polling the lock. */
const queues = new Map<string, Promise<void>>();

function staleOf(options: LockOptions): number {
  return Math.max(options.staleMs ?? DEFAULT_STALE_MS, MIN_STALE_MS);
}

function lockOptions(options: LockOptions): lockfile.LockOptions {
  return {
    stale: staleOf(options),
    realpath: false,
    retries: 0,
    // The default throws from a timer (an uncaught exception in the extension host). The work
    // under the lock is synchronous and short, and the writer checks before its rename that the
    // file is still the one it read, so a compromised lock is only logged by the retry there.
    onCompromised: () => undefined,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` (synchronous) while this process holds the cross-process lock of `target`. */
export async function withLock<R>(target: string, work: () => R, options: LockOptions = {}): Promise<R> {
  const previous = queues.get(target) ?? Promise.resolve();
  let done!: () => void;
  const turnOver = new Promise<void>((resolve) => (done = resolve));
  const mine = previous.then(() => turnOver);
  queues.set(target, mine);
  await previous;
  try {
    await acquire(target, options);
    try {
      return work();
    } finally {
      release(target);
    }
  } finally {
    done();
    if (queues.get(target) === mine) {
      queues.delete(target);
    }
  }
}

/**
 * The same, blocking the thread while it waits (only for shutdown, when asynchronous work may never
 * finish). Refuses (returns undefined) when this process is itself waiting for or holding the lock.
 */
export function withLockSync<R>(target: string, work: () => R, options: LockOptions = {}): { value: R } | undefined {
  if (queues.has(target)) {
    return undefined;
  }
  const timeoutMs = options.timeoutMs ?? 1000;
  const started = Date.now();
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      lockfile.lockSync(target, lockOptions(options));
      break;
    } catch (err) {
      Atomics.wait(pause, 0, 0, pauseBeforeRetry(err, target, started, timeoutMs, attempt));
    }
  }
  try {
    return { value: work() };
  } finally {
    release(target);
  }
}

async function acquire(target: string, options: LockOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? staleOf(options) + 5000;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await lockfile.lock(target, lockOptions(options));
      return;
    } catch (err) {
      await sleep(pauseBeforeRetry(err, target, started, timeoutMs, attempt));
    }
  }
}

/** After a failed try: rethrows what is not "held by another", gives up after `timeoutMs`, else how long to wait. */
function pauseBeforeRetry(err: unknown, target: string, started: number, timeoutMs: number, attempt: number): number {
  if ((err as NodeJS.ErrnoException | undefined)?.code !== 'ELOCKED') {
    throw err;
  }
  if (Date.now() - started > timeoutMs) {
    throw new LockTimeoutError(target, Date.now() - started);
  }
  return backoff(attempt);
}

/** 1–2 ms at first, growing to 20–40 ms: a held lock is usually free again within milliseconds. */
function backoff(attempt: number): number {
  const base = Math.min(20, 2 ** Math.min(attempt, 5) / 2 + 0.5);
  return base + Math.random() * base;
}

function release(target: string): void {
  try {
    lockfile.unlockSync(target, { realpath: false });
  } catch {
    // Already taken over as stale (ENOTACQUIRED) or removed: nothing of ours is left to release.
  }
}

/** Writes to `<file>.<pid>.<random>.tmp`, then renames it over `file`. */
export function writeAtomic(file: string, text: string): void {
  commitTemporary(writeTemporary(file, text), file);
}

/** Writes `text` to a new `<file>.<pid>.<random>.tmp` beside `file` and returns its path. */
export function writeTemporary(file: string, text: string): string {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, text);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return tmp;
}

/** Renames a temporary file over `file` (a reader sees the old or the new version, never half). */
export function commitTemporary(tmp: string, file: string): void {
  try {
    renameRetrying(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** On Windows a rename over a file another process is reading fails for a moment. */
function renameRetrying(from: string, to: string): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (attempt >= 20 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) {
        throw err;
      }
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
