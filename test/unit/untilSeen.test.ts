import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { untilSeen } from '../../src/core/untilSeen';
import { FakeTimers } from '../support/fakeTimers';

/** A host that drops the first `drops` requests and shows the effect `delayMs` after a kept one. */
function host(timers: FakeTimers, drops: number, delayMs: number) {
  const listeners = new Set<() => void>();
  const state = { visible: false, requests: 0, listeners };
  const act = (): void => {
    state.requests++;
    if (state.requests > drops) {
      timers.setTimeout(() => {
        state.visible = true;
        for (const l of [...listeners]) l();
      }, delayMs);
    }
  };
  const onChange = (listener: () => void) => {
    listeners.add(listener);
    return { dispose: () => listeners.delete(listener) };
  };
  return { state, act, seen: () => state.visible, onChange };
}

describe('untilSeen (a request the host may drop, asked again until its effect is seen)', () => {
  let clock: ManualClock;
  let timers: FakeTimers;
  beforeEach(() => {
    clock = new ManualClock(0);
    timers = new FakeTimers(clock);
  });

  it('asks once when the effect follows, and resolves as soon as it is seen', async () => {
    const h = host(timers, 0, 120);
    const done = untilSeen({ ...h, attempts: 3, waitMs: 1000, timers });
    await timers.advanceTo(120);
    assert.equal(await done, true);
    assert.equal(h.state.requests, 1);
    assert.equal(clock.now(), 120, 'did not wait for the timeout');
    assert.equal(h.state.listeners.size, 0, 'unsubscribed');
    assert.equal(timers.pending, 0, 'no timer left');
  });

  it('asks again after waitMs when a request was dropped', async () => {
    const h = host(timers, 2, 50);
    const done = untilSeen({ ...h, attempts: 3, waitMs: 1000, timers });
    await timers.runAll();
    assert.equal(await done, true);
    assert.equal(h.state.requests, 3);
    assert.equal(clock.now(), 2050);
  });

  it('gives up after `attempts` requests and says it was not seen', async () => {
    const h = host(timers, 10, 50);
    const done = untilSeen({ ...h, attempts: 3, waitMs: 1000, timers });
    await timers.runAll();
    assert.equal(await done, false);
    assert.equal(h.state.requests, 3);
    assert.equal(clock.now(), 3000);
    assert.equal(h.state.listeners.size, 0);
  });

  it('counts an effect seen only at the deadline (its change event never came)', async () => {
    const h = host(timers, 0, 100);
    const done = untilSeen({ ...h, onChange: () => ({ dispose: () => undefined }), attempts: 3, waitMs: 500, timers });
    await timers.runAll();
    assert.equal(await done, true);
    assert.equal(h.state.requests, 1);
    assert.equal(clock.now(), 500);
  });

  it('asks once and resolves at once when the effect is already there', async () => {
    const h = host(timers, 10, 0); // the host would not even act on it: nothing to wait for
    h.state.visible = true;
    assert.equal(await untilSeen({ ...h, attempts: 3, waitMs: 500, timers }), true);
    assert.equal(h.state.requests, 1);
    assert.equal(timers.pending, 0);
    assert.equal(clock.now(), 0);
  });

  it('ignores changes that do not show the effect', async () => {
    const h = host(timers, 10, 0);
    const done = untilSeen({ ...h, attempts: 1, waitMs: 1000, timers });
    for (const l of [...h.state.listeners]) l(); // some other editor came and went
    await timers.advanceTo(999);
    assert.equal(timers.pending, 1, 'still waiting');
    await timers.runAll();
    assert.equal(await done, false);
  });
});
