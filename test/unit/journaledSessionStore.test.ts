import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/core/clock';
import { JournaledSessionStore } from '../../src/core/store/journaledSessionStore';
import { SessionsDocument } from '../../src/core/store/sessionsDocument';

const INT = 'integration-a';

describe('journaled session store (a window’s sessions written as operations)', () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock();
  });

  it('writes down each change as an operation that gives the file the same records', () => {
    const store = new JournaledSessionStore(clock);
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    store.add(INT, [a, b, 'not-an-id'], { source: 'typed' });
    clock.advance(1000);
    store.add(INT, [a, { id: c, label: 'own label' }], { source: 'file', label: 'batch', vendorData: 'vd' });
    store.updateStatus(INT, a, 'approved');
    store.setError(INT, b, { message: 'refused', code: 1306 });
    store.clearError(INT, b);
    store.setError(INT, c, { message: 'later' });
    store.remove(INT, [b]);
    store.updateStatus(INT, a, 'declined', clock.now() - 5000); // older fetch: no change, no operation
    assert.deepEqual(
      store.beginWrite().map((op) => op.kind),
      ['add', 'add', 'vendorData', 'statuses', 'setError', 'clearError', 'setError', 'remove'],
    );
    const file = new SessionsDocument(clock);
    for (const op of store.beginWrite()) {
      file.apply(op);
    }
    store.endWrite(true);
    assert.deepEqual(file.store.toJSON(), store.toJSON(), 'replayed on an empty file: the same sessions, times and labels');
    assert.equal(store.pendingCount, 0);
  });

  it('shows the file plus what is not written yet, and keeps failed writes for the next one', () => {
    const store = new JournaledSessionStore(clock);
    const [mine, theirs, removedThere] = [randomUUID(), randomUUID(), randomUUID()];
    store.add(INT, [removedThere], { source: 'typed' });
    const first = store.beginWrite();
    store.endWrite(true);
    const file = new SessionsDocument(clock);
    first.forEach((op) => file.apply(op));

    store.add(INT, [mine], { source: 'typed' });
    const writing = store.beginWrite();
    assert.equal(writing.length, 1);
    // Meanwhile another window added one and removed one.
    clock.advance(10);
    file.apply({ kind: 'add', at: clock.now(), integrationId: INT, items: [theirs], options: { source: 'typed' } });
    file.apply({ kind: 'remove', at: clock.now(), integrationId: INT, ids: [removedThere] });
    const changes: string[] = [];
    store.onDidChange((c) => changes.push(c.kind));
    assert.equal(store.adopt(file.toJSON()), true);
    assert.deepEqual(store.list(INT).map((s) => s.id).sort(), [mine, theirs].sort(), 'its own add, being written, stays visible');
    assert.deepEqual(changes, ['replaced']);
    store.endWrite(false);
    assert.equal(store.pendingCount, 1, 'the failed write waits for the next one');
    assert.equal(store.beginWrite()[0].kind, 'add');
  });
});
