import * as assert from 'node:assert/strict';
import { SerialisedMemento, serialisedGlobalState, withSerialisedGlobalState, type GlobalState } from '../../src/vscode/storage/serialisedMemento';

/**
 * VS Code's globalState as the extension host has it (ExtensionMemento + MainThreadStorage): one
 * object per extension; `update` sets the key in the host's copy and schedules sending the whole
 * object; the workbench stores each object it gets, echoes it back — the echo replaces the host's
 * copy — and then answers, which resolves the updates sent with it. The test decides when the
 * scheduler fires (`send`) and when the workbench answers (`answer`).
 */
class ExtensionHostMemento implements GlobalState {
  private value: Record<string, unknown> = {};
  /** What the workbench stores (what a restart reads). */
  stored: Record<string, unknown> = {};
  private scheduled = false;
  private readonly deferred = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private readonly inFlight: Array<{ snapshot: string; done: Array<() => void> }> = [];

  keys(): readonly string[] {
    return Object.keys(this.value).filter((k) => this.value[k] !== undefined);
  }

  get<T>(key: string, defaultValue?: T): T {
    const v = this.value[key];
    return (v === undefined ? defaultValue : v) as T;
  }

  update(key: string, value: unknown): Promise<void> {
    this.value[key] = value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
    const known = this.deferred.get(key);
    if (known) {
      return known.promise;
    }
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.deferred.set(key, { promise, resolve });
    this.scheduled = true;
    return promise;
  }

  setKeysForSync(): void {}

  /** The scheduler fires: the whole object goes to the workbench. */
  send(): boolean {
    if (!this.scheduled) {
      return false;
    }
    this.scheduled = false;
    const done = [...this.deferred.values()].map((d) => d.resolve);
    this.deferred.clear();
    this.inFlight.push({ snapshot: JSON.stringify(this.value), done });
    return true;
  }

  /** The workbench stores the oldest object sent, echoes it (replacing the host's copy), then answers. */
  answer(): boolean {
    const message = this.inFlight.shift();
    if (!message) {
      return false;
    }
    this.stored = JSON.parse(message.snapshot);
    this.value = JSON.parse(message.snapshot);
    message.done.forEach((resolve) => resolve());
    return true;
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A small seeded PRNG, so that a failing interleaving can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Random interleavings of updates (three keys), scheduler runs and workbench answers. Returns the
 * first broken promise: a read of an older value than the last update, or a value not stored once
 * everything is answered.
 */
async function interleave(seed: number, wrap: boolean): Promise<string | undefined> {
  const host = new ExtensionHostMemento();
  const memento: GlobalState = wrap ? new SerialisedMemento(host) : host;
  const random = prng(seed);
  const last = new Map<string, number>();
  const writes: Array<Promise<void>> = [];
  const check = (when: string): string | undefined => {
    for (const [key, value] of last) {
      if (memento.get(key) !== value) {
        return `seed ${seed}: ${when}, ${key} reads ${String(memento.get(key))} instead of ${value}`;
      }
    }
    return undefined;
  };
  for (let step = 0; step < 40; step++) {
    const r = random();
    if (r < 0.4) {
      const key = `k${Math.floor(random() * 3)}`;
      last.set(key, step);
      writes.push(Promise.resolve(memento.update(key, step)));
    } else if (r < 0.7) {
      host.send();
    } else {
      host.answer();
    }
    await settle();
    const broken = check(`after step ${step}`);
    if (broken) {
      return broken;
    }
  }
  let done = false;
  void Promise.all(writes).then(() => (done = true));
  for (let i = 0; i < 1000 && !done; i++) {
    if (!host.send()) {
      host.answer();
    }
    await settle();
  }
  assert.ok(done, `seed ${seed}: every update answered`);
  for (const [key, value] of last) {
    if (host.stored[key] !== value) {
      return `seed ${seed}: ${key} stored as ${String(host.stored[key])} instead of ${value}`;
    }
  }
  return check('at the end');
}

describe('SerialisedMemento (one globalState write at a time)', () => {
  it("VS Code's own globalState loses an update made while an earlier one is on its way (the model reproduces the bug)", async () => {
    const host = new ExtensionHostMemento();
    const spend = host.update('budget', { spends: 5 });
    host.send();
    const lease = host.update('lease', { owner: 'me' });
    host.answer(); // the echo of the budget object, without the lease, replaces the host's copy
    host.send();
    host.answer();
    await Promise.all([spend, lease]);
    assert.equal(host.get('lease'), undefined, 'the lease update resolved but is gone');
    assert.equal(host.stored.lease, undefined);
  });

  it('the same sequence through SerialisedMemento keeps both values, reads and stored', async () => {
    const host = new ExtensionHostMemento();
    const memento = new SerialisedMemento(host);
    const spend = memento.update('budget', { spends: 5 });
    await settle();
    host.send();
    const lease = memento.update('lease', { owner: 'me' });
    await settle();
    assert.deepEqual(memento.get('lease'), { owner: 'me' }, 'waiting for its turn, read back from the memento');
    host.answer();
    await spend;
    await settle();
    assert.deepEqual(memento.get('lease'), { owner: 'me' });
    assert.equal(host.send(), true, 'the lease goes once the budget was answered');
    host.answer();
    await lease;
    assert.deepEqual(host.stored, { budget: { spends: 5 }, lease: { owner: 'me' } });
    assert.deepEqual(memento.get('budget'), { spends: 5 });
    assert.deepEqual([...memento.keys()].sort(), ['budget', 'lease']);
  });

  it('over random interleavings never reads an older value and stores every last value (where the raw memento fails)', async () => {
    const raw: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const broken = await interleave(seed, true);
      assert.equal(broken, undefined);
      const rawBroken = await interleave(seed, false);
      if (rawBroken) {
        raw.push(rawBroken);
      }
    }
    assert.ok(raw.length > 50, `the unserialised memento breaks in many interleavings (${raw.length} of 200)`);
  });

  it('copies objects, reads a removal as the default, and passes errors to the caller without blocking later writes', async () => {
    const host = new ExtensionHostMemento();
    const memento = new SerialisedMemento(host);
    const value = { n: 1 };
    const first = memento.update('a', value);
    value.n = 2;
    assert.deepEqual(memento.get('a'), { n: 1 });
    const removal = memento.update('a', undefined);
    assert.equal(memento.get('a'), undefined);
    assert.equal(memento.get('a', 'default'), 'default');
    assert.deepEqual(memento.keys(), []);
    for (let i = 0; i < 5; i++) {
      await settle();
      host.send();
      host.answer();
    }
    await Promise.all([first, removal]);
    assert.equal('a' in host.stored, false);

    const failing: GlobalState = {
      keys: () => [],
      get: () => undefined,
      update: (key: string) => (key === 'bad' ? Promise.reject(new Error('disk full')) : Promise.resolve()),
      setKeysForSync: () => undefined,
    } as GlobalState;
    const m = new SerialisedMemento(failing);
    await assert.rejects(m.update('bad', 1), /disk full/);
    assert.equal(m.get('bad'), undefined, 'a failed write is not read back');
    await m.update('good', 1);
  });

  it('gives one serialiser per globalState, and a context whose globalState is it', () => {
    const host = new ExtensionHostMemento();
    const context = Object.freeze({ globalState: host as GlobalState, subscriptions: [] as unknown[], get mode() { return 3; } });
    const wrapped = withSerialisedGlobalState(context);
    assert.ok(wrapped.globalState instanceof SerialisedMemento);
    assert.equal(wrapped.globalState, serialisedGlobalState(host));
    assert.equal(serialisedGlobalState(wrapped.globalState), wrapped.globalState);
    assert.equal(withSerialisedGlobalState(wrapped), wrapped);
    assert.equal(wrapped.subscriptions, context.subscriptions, 'the rest comes from the frozen context');
    assert.equal(wrapped.mode, 3);
  });
});
