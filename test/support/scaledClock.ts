import type { Clock } from '../../src/core/clock';

export interface ScaledClockConfig {
  /** Store time at `monotonicStart`. */
  startAt: number;
  /** Store milliseconds per real millisecond. */
  speed: number;
  /** process.hrtime.bigint() (CLOCK_MONOTONIC) at which store time was `startAt`, as a string. */
  monotonicStart: string;
}

/**
 * Store time at `speed` × real time, read from CLOCK_MONOTONIC, which is the same in every process.
 * Date.now() is not fit here: at 20,000× a step of the real wall clock by 1 ms (NTP, a VM resumed)
 * would be 20 s of store time, a step the test could not tell from a broken lock.
 */
export function scaledClock(c: ScaledClockConfig): Clock {
  const start = BigInt(c.monotonicStart);
  const elapsed = (): number => (Number(process.hrtime.bigint() - start) / 1e6) * c.speed;
  return { now: () => Math.floor(c.startAt + elapsed()), elapsed };
}
