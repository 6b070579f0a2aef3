import { spendOrder, type SpendRecord } from './store/budgetFormat';

/** Rolling-window arithmetic of the delete budget over spend times sorted oldest first. */

export function countSince(times: readonly number[], after: number): number {
  let n = 0;
  for (const t of times) {
    if (t > after) {
      n++;
    }
  }
  return n;
}

/**
 * The earliest time ≥ from at which fewer than `limit` spends lie in the window ending then.
 * `times` is sorted oldest first; a spend dated after `from` counts too, so the deciding one is
 * the limit-th newest overall.
 */
export function windowFreeAt(times: readonly number[], from: number, windowMs: number, limit: number): number {
  const deciding = times[times.length - limit];
  return deciding !== undefined && deciding > from - windowMs ? deciding + windowMs : from;
}

export function insertSorted(spends: SpendRecord[], record: SpendRecord): void {
  let i = spends.length;
  while (i > 0 && spendOrder(spends[i - 1], record) > 0) {
    i--;
  }
  spends.splice(i, 0, record);
}

/** When the next spend leaves one of the windows (a slot comes back), if any is counted now. */
export function nextSlotReturn(times: readonly number[], now: number, windowsMs: readonly number[]): number | undefined {
  let next: number | undefined;
  for (const at of times) {
    for (const windowMs of windowsMs) {
      const out = at + windowMs;
      if (out > now && (next === undefined || out < next)) {
        next = out;
      }
    }
  }
  return next;
}
