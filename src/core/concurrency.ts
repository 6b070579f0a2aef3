/** What became of one item of `mapWithConcurrency`. */
export type Mapped<R> =
  | { state: 'done'; value: R }
  | { state: 'failed'; error: unknown }
  /** Not started: the signal aborted first. */
  | { state: 'skipped' };

export interface ConcurrencyOptions {
  /** When it aborts no further item is started; items already running finish. */
  signal?: AbortSignal;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, starting items in order. One item
 * failing does not stop the others (it is reported `failed`). Results keep the input order.
 */
export async function mapWithConcurrency<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: ConcurrencyOptions = {},
): Promise<Mapped<R>[]> {
  if (!(limit === Infinity || (Number.isInteger(limit) && limit > 0))) {
    throw new RangeError(`limit must be a positive integer (got ${limit})`);
  }
  const list = [...items];
  const results: Mapped<R>[] = list.map(() => ({ state: 'skipped' }));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length && !options.signal?.aborted) {
      const index = next++;
      try {
        results[index] = { state: 'done', value: await fn(list[index], index) };
      } catch (error) {
        results[index] = { state: 'failed', error };
      }
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(limit, list.length); i++) {
    workers.push(worker());
  }
  await Promise.all(workers);
  return results;
}
