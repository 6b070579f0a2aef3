import { uptime } from 'node:os';

/**
 * Injectable time source: production uses the system's, tests move a manual clock.
 * `now()` is the wall clock (it can jump); `elapsed()` is monotonic time since the machine booted,
 * the same in every process of one boot, so that the delete budget can tell time that passed from a
 * clock that was changed.
 */
export interface Clock {
  now(): number;
  elapsed?(): number;
}

// os.uptime() counts from boot in every process; performance.now() adds sub-second resolution.
const uptimeAtStart = uptime() * 1000 - performance.now();

export const systemClock: Clock = { now: () => Date.now(), elapsed: () => uptimeAtStart + performance.now() };

export class ManualClock implements Clock {
  private monotonic = 0;
  constructor(private current = Date.UTC(2026, 0, 1, 9, 0, 0)) {}
  now(): number {
    return this.current;
  }
  elapsed(): number {
    return this.monotonic;
  }
  /** Time passes: both clocks move. */
  advance(ms: number): void {
    this.current += ms;
    this.monotonic += Math.max(0, ms);
  }
  /** Forward: time passes; backward: the wall clock is turned back (monotonic time stays). */
  set(ms: number): void {
    this.monotonic += Math.max(0, ms - this.current);
    this.current = ms;
  }
  /** The wall clock is changed (by the user, NTP, a VM resume): no time passes. */
  jump(toMs: number): void {
    this.current = toMs;
  }
}
