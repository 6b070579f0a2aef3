import { systemTimers, type Timers } from './timers';

export interface UntilSeenOptions {
  /** The request the host may drop without a word (it returns nothing to wait on). */
  act(): void;
  /** Whether its effect can be seen now. */
  seen(): boolean;
  /** Subscribes to the changes that can make `seen()` true. */
  onChange(listener: () => void): { dispose(): void };
  /** How many times to ask in all. */
  attempts: number;
  /** How long to wait for the effect after each request. */
  waitMs: number;
  timers?: Timers;
}

/**
 * Asks until the effect is seen: after each `act`, waits up to `waitMs` for a change that makes
 * `seen()` true, then asks again, `attempts` times in all (once, returning at once, when it is
 * already seen). Resolves whether it was seen; never rejects. For fire-and-forget requests a host
 * can drop: VS Code's reveal of an output channel is lost when it arrives during the workbench's
 * start-up.
 */
export async function untilSeen(opts: UntilSeenOptions): Promise<boolean> {
  const timers = opts.timers ?? systemTimers;
  if (opts.seen()) {
    opts.act(); // already there: asking again costs nothing and is what the caller meant
    return true;
  }
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    const shown = new Promise<boolean>((resolve) => {
      const finish = (): void => {
        timers.clearTimeout(timer);
        subscription.dispose();
        resolve(opts.seen());
      };
      const subscription = opts.onChange(() => opts.seen() && finish());
      const timer = timers.setTimeout(finish, opts.waitMs);
    });
    opts.act();
    if (await shown) {
      return true;
    }
  }
  return false;
}
