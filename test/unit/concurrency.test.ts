import * as assert from 'node:assert/strict';
import { mapWithConcurrency } from '../../src/core/concurrency';

/** A promise the test resolves by hand. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('mapWithConcurrency', () => {
  it('never has more than `limit` calls in flight and starts items in order', async () => {
    const gates = Array.from({ length: 10 }, () => deferred());
    const started: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const done = mapWithConcurrency(gates, 4, async (gate, index) => {
      started.push(index);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await gate.promise;
      running--;
      return index * 10;
    });
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3], 'exactly the first four start');
    gates[2].resolve();
    await tick();
    assert.deepEqual(started, [0, 1, 2, 3, 4], 'one finishing lets the next one start');
    gates.forEach((g) => g.resolve());
    const results = await done;
    assert.equal(maxRunning, 4);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(
      results.map((r) => (r.state === 'done' ? r.value : r.state)),
      [0, 10, 20, 30, 40, 50, 60, 70, 80, 90],
    );
  });

  it('keeps input order in the results when items finish out of order', async () => {
    const results = await mapWithConcurrency([30, 5, 15, 1], 2, (ms) => new Promise<number>((r) => setTimeout(() => r(ms), ms)));
    assert.deepEqual(
      results.map((r) => (r.state === 'done' ? r.value : undefined)),
      [30, 5, 15, 1],
    );
  });

  it('reports a failing item as failed without stopping the others (sync throws too)', async () => {
    const results = await mapWithConcurrency([1, 2, 3, 4], 2, (n) => {
      if (n === 2) {
        throw new Error('sync boom');
      }
      if (n === 3) {
        return Promise.reject(new Error('async boom'));
      }
      return Promise.resolve(n);
    });
    assert.deepEqual(results[0], { state: 'done', value: 1 });
    assert.equal(results[1].state, 'failed');
    assert.match(String((results[1] as { error: Error }).error.message), /sync boom/);
    assert.equal(results[2].state, 'failed');
    assert.deepEqual(results[3], { state: 'done', value: 4 });
  });

  it('starts nothing new once the signal aborts; running items finish; the rest are skipped', async () => {
    const controller = new AbortController();
    const gates = Array.from({ length: 6 }, () => deferred<number>());
    const started: number[] = [];
    const done = mapWithConcurrency(
      gates,
      2,
      (gate, index) => {
        started.push(index);
        return gate.promise;
      },
      { signal: controller.signal },
    );
    await tick();
    controller.abort();
    gates[0].resolve(0);
    gates[1].resolve(1);
    const results = await done;
    assert.deepEqual(started, [0, 1]);
    assert.deepEqual(
      results.map((r) => r.state),
      ['done', 'done', 'skipped', 'skipped', 'skipped', 'skipped'],
    );
  });

  it('does nothing for an empty list or an already aborted signal', async () => {
    let calls = 0;
    assert.deepEqual(await mapWithConcurrency([], 4, async () => ++calls), []);
    const results = await mapWithConcurrency([1, 2], 4, async () => ++calls, { signal: AbortSignal.abort() });
    assert.deepEqual(results, [{ state: 'skipped' }, { state: 'skipped' }]);
    assert.equal(calls, 0);
  });

  it('runs everything at once when the limit exceeds the items, and accepts any iterable', async () => {
    let running = 0;
    let maxRunning = 0;
    const results = await mapWithConcurrency(new Set([1, 2, 3]), 10, async (n) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick();
      running--;
      return n;
    });
    assert.equal(maxRunning, 3);
    assert.equal(results.length, 3);
  });

  it('refuses a limit that is not a positive integer', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      await assert.rejects(() => mapWithConcurrency([1], limit, async (n) => n), RangeError);
    }
  });
});
