import type { ManualClock } from '../../src/core/clock';

/**
 * setTimeout/clearTimeout tied to a ManualClock. Nothing fires by itself: advanceTo(t) fires the
 * timers due by t in time order (setting the clock to each one's time) and lets the promises they
 * start settle before the next one fires.
 */
export class FakeTimers {
  /** How many timer callbacks have run. */
  fired = 0;
  /** How many timers were ever set. */
  created = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; seq: number; callback: () => void }>();

  constructor(private readonly clock: ManualClock) {}

  setTimeout = (callback: () => void, ms: number): number => {
    const handle = ++this.seq;
    this.created++;
    this.timers.set(handle, { at: this.clock.now() + Math.max(0, ms), seq: handle, callback });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  nextAt(): number | undefined {
    return this.next()?.[1].at;
  }

  /** Fires every timer due by t (including ones set by fired callbacks), then leaves the clock at t. */
  async advanceTo(t: number, maxFires = 10_000): Promise<void> {
    await flushPromises();
    for (let next = this.next(); next && next[1].at <= t; next = this.next()) {
      if (--maxFires < 0) {
        throw new Error('FakeTimers: too many timers fired; something is polling');
      }
      const [handle, timer] = next;
      this.timers.delete(handle);
      if (timer.at > this.clock.now()) {
        this.clock.set(timer.at);
      }
      this.fired++;
      timer.callback();
      await flushPromises();
    }
    if (t > this.clock.now()) {
      this.clock.set(t);
    }
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.clock.now() + ms);
  }

  /** Fires timers until none is left (or until `until`), returning the clock time at the end. */
  async runAll(until = Number.MAX_SAFE_INTEGER, maxFires = 10_000): Promise<number> {
    await flushPromises();
    const start = this.fired;
    for (let next = this.next(); next && next[1].at <= until; next = this.next()) {
      if (this.fired - start > maxFires) {
        throw new Error('FakeTimers: too many timers fired; something is polling');
      }
      await this.advanceTo(next[1].at, maxFires);
    }
    return this.clock.now();
  }

  private next(): [number, { at: number; seq: number; callback: () => void }] | undefined {
    let best: [number, { at: number; seq: number; callback: () => void }] | undefined;
    for (const entry of this.timers) {
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[1].seq < best[1].seq)) {
        best = entry;
      }
    }
    return best;
  }
}

/** Lets every promise chain that is ready run to completion (the microtask queue drains before a macrotask). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
