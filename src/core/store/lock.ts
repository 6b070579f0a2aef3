import { lazyModule } from '../lazyModule';
import type * as StoreWrites from './storeWrites';
import type { LockOptions } from './storeWrites';

export type { LockOptions } from './storeWrites';

// What only writes run (the cross-process lock, writing by rename: storeWrites.ts), loaded on the
// first write. esbuild turns this `require` into one of the separate dist/lockfile.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const storeWrites = lazyModule(() => require('./storeWrites') as typeof StoreWrites).get;

/** Runs `work` (synchronous) while this process holds the cross-process lock of `target` (see storeWrites.ts). */
export function withLock<R>(target: string, work: () => R, options: LockOptions = {}): Promise<R> {
  return storeWrites().withLock(target, work, options);
}

/** `withLock` blocking the thread (shutdown only); undefined when this process is itself waiting for or holding the lock. */
export function withLockSync<R>(target: string, work: () => R, options: LockOptions = {}): { value: R } | undefined {
  return storeWrites().withLockSync(target, work, options);
}
