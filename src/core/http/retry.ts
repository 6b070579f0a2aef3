// When a GET is tried again, and the pause before it.
import type { Outcome } from './outcomes';

/** Network errors and 5xx answers (except a too-large one, which would be too large again). */
export function isRetryable(outcome: Outcome<unknown>): boolean {
  if (outcome.kind === 'malformed' && outcome.tooLarge) {
    return false;
  }
  return outcome.kind === 'network' || ((outcome.kind === 'veriffError' || outcome.kind === 'malformed') && outcome.http >= 500);
}

/** Waits `ms`; resolves false at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const done = (result: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
