import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { SessionStoreChange, defaultLabel } from '../../src/core/sessions';
import type { SessionStoreJSON } from '../../src/core/store/sessionsFormat';
import { SessionStore } from '../../src/core/store/sessionStore';

const A = 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7';
const B = '0d7e4c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const C = 'ffffffff-0000-4000-8000-123456789abc';
const D = '12345678-1234-4234-8234-123456789012';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function setup(): { clock: ManualClock; store: SessionStore; changes: SessionStoreChange[] } {
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const store = new SessionStore({ clock });
  const changes: SessionStoreChange[] = [];
  store.onDidChange((change) => changes.push(change));
  return { clock, store, changes };
}

/** Generates distinct valid UUIDs. */
function uuid(i: number): string {
  return `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
}

describe('SessionStore', () => {
  describe('add', () => {
    it('tracks new ids with integration, label, source, addedAt and unknown status', () => {
      const { clock, store } = setup();
      const result = store.add('test', [A, B], { label: 'run 1', source: 'typed' });
      assert.deepEqual(result, { added: [A, B], alreadyTracked: [], invalid: [] });
      assert.deepEqual(store.get('test', A), {
        id: A,
        integrationId: 'test',
        label: 'run 1',
        source: 'typed',
        addedAt: clock.now(),
        status: 'unknown',
      });
    });

    it('normalises ids and looks them up case-insensitively', () => {
      const { store } = setup();
      assert.deepEqual(store.add('test', [`  ${A.toUpperCase()} `], { source: 'clipboard' }).added, [A]);
      assert.equal(store.get('test', A.toUpperCase())?.id, A);
      assert.equal(store.has('test', A), true);
    });

    it('merges duplicates: never doubled, existing sessions keep addedAt, label and source', () => {
      const { clock, store } = setup();
      store.add('test', [A], { label: 'first', source: 'typed' });
      const firstAddedAt = clock.now();
      clock.advance(HOUR);
      const result = store.add('test', [B, A, A.toUpperCase(), B], { label: 'second', source: 'trackingFile' });
      assert.deepEqual(result, { added: [B], alreadyTracked: [A], invalid: [] });
      assert.equal(store.size('test'), 2);
      assert.deepEqual(
        { addedAt: store.get('test', A)?.addedAt, label: store.get('test', A)?.label, source: store.get('test', A)?.source },
        { addedAt: firstAddedAt, label: 'first', source: 'typed' },
      );
    });

    it('keeps integrations apart: the same id may be tracked under two integrations', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      assert.deepEqual(store.add('live', [A], { source: 'typed' }).added, [A]);
      assert.equal(store.size(), 2);
      assert.deepEqual(store.integrationIds(), ['test', 'live']);
      store.remove('test', [A]);
      assert.equal(store.has('live', A), true);
    });

    it('reports inputs that are not UUIDs and tracks nothing for them', () => {
      const { store, changes } = setup();
      const result = store.add('test', ['abc-123', A.slice(1)], { source: 'typed' });
      assert.deepEqual(result, { added: [], alreadyTracked: [], invalid: ['abc-123', A.slice(1)] });
      assert.equal(store.size(), 0);
      assert.deepEqual(changes, []);
    });

    it('labels an unlabelled or blank-labelled batch with the ISO date from the clock', () => {
      const { clock, store } = setup();
      store.add('test', [A], { source: 'selection' });
      store.add('test', [B], { source: 'selection', label: '   ' });
      assert.equal(store.get('test', A)?.label, defaultLabel(clock.now()));
      assert.equal(store.get('test', B)?.label, defaultLabel(clock.now()));
      assert.match(store.get('test', A)!.label, /^Tracked \d{4}-\d{2}-\d{2}$/);
    });

    it('takes per-id labels and vendorData from seeds over the batch options', () => {
      const { store } = setup();
      store.add('test', [{ id: A, label: 'from line', vendorData: 'user-1' }, B], {
        source: 'trackingFile',
        label: 'batch',
        vendorData: 'batch-data',
      });
      assert.equal(store.get('test', A)?.label, 'from line');
      assert.equal(store.get('test', A)?.vendorData, 'user-1');
      assert.equal(store.get('test', B)?.label, 'batch');
      assert.equal(store.get('test', B)?.vendorData, 'batch-data');
    });

    it('fills in missing vendorData of an already tracked session (an update, not an add)', () => {
      const { store, changes } = setup();
      store.add('test', [A], { source: 'typed' });
      changes.length = 0;
      const result = store.add('test', [{ id: A, vendorData: 'later' }], { source: 'trackingFile' });
      assert.deepEqual(result.alreadyTracked, [A]);
      assert.equal(store.get('test', A)?.vendorData, 'later');
      assert.deepEqual(changes, [{ kind: 'updated', integrationId: 'test', ids: [A] }]);
    });

    it('rejects an empty integration id', () => {
      const { store } = setup();
      assert.throws(() => store.add(' ', [A], { source: 'typed' }), TypeError);
    });

    it('hands out frozen records, so a caller cannot change the store behind its back', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      const session = store.get('test', A)!;
      assert.throws(() => {
        (session as { status: string }).status = 'approved';
      }, TypeError);
      assert.equal(store.get('test', A)?.status, 'unknown');
    });
  });

  describe('remove', () => {
    it('removes tracked ids (any case) and returns only those that were tracked', () => {
      const { store } = setup();
      store.add('test', [A, B, C], { source: 'typed' });
      assert.deepEqual(store.remove('test', [B.toUpperCase(), D, 'junk']), [B]);
      assert.deepEqual(
        store.list('test').map((s) => s.id),
        [A, C],
      );
      assert.deepEqual(store.remove('other', [A]), []);
    });

    it('forgets an integration once its last session is gone', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      store.remove('test', [A]);
      assert.deepEqual(store.integrationIds(), []);
      assert.deepEqual(store.toJSON().integrations, []);
    });
  });

  describe('status and errors', () => {
    it('records a fetched status and when it was fetched', () => {
      const { clock, store } = setup();
      store.add('test', [A], { source: 'typed' });
      assert.equal(store.updateStatus('test', A, 'approved', clock.now() + 5), true);
      assert.equal(store.get('test', A)?.status, 'approved');
      assert.equal(store.get('test', A)?.statusFetchedAt, clock.now() + 5);
    });

    it('uses the clock when no fetch time is given', () => {
      const { clock, store } = setup();
      store.add('test', [A], { source: 'typed' });
      clock.advance(MINUTE);
      store.updateStatus('test', A.toUpperCase(), 'declined');
      assert.equal(store.get('test', A)?.statusFetchedAt, clock.now());
    });

    it('ignores a fetch older than the recorded one (answers arriving out of order)', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      store.updateStatus('test', A, 'approved', 2000);
      assert.equal(store.updateStatus('test', A, 'submitted', 1000), false);
      assert.equal(store.get('test', A)?.status, 'approved');
    });

    it('returns false for untracked sessions and for no-op updates', () => {
      const { store, changes } = setup();
      store.add('test', [A], { source: 'typed' });
      changes.length = 0;
      assert.equal(store.updateStatus('test', B, 'approved', 1), false);
      store.updateStatus('test', A, 'approved', 1);
      assert.equal(store.updateStatus('test', A, 'approved', 1), false);
      assert.equal(changes.length, 1);
    });

    it('updates many statuses with one change event', () => {
      const { store, changes } = setup();
      store.add('test', [A, B, C], { source: 'typed' });
      changes.length = 0;
      const changed = store.updateStatuses('test', [
        { id: A, status: 'approved', fetchedAt: 1 },
        { id: B, status: 'gone', fetchedAt: 1 },
        { id: D, status: 'review', fetchedAt: 1 },
      ]);
      assert.deepEqual(changed, [A, B]);
      assert.deepEqual(changes, [{ kind: 'updated', integrationId: 'test', ids: [A, B] }]);
    });

    it('rejects an unknown status before changing anything', () => {
      const { store } = setup();
      store.add('test', [A, B], { source: 'typed' });
      assert.throws(
        () =>
          store.updateStatuses('test', [
            { id: A, status: 'approved' },
            { id: B, status: 'deleted' as never },
          ]),
        TypeError,
      );
      assert.equal(store.get('test', A)?.status, 'unknown');
    });

    it('sets and clears the last error with its code and time', () => {
      const { clock, store } = setup();
      store.add('test', [A], { source: 'typed' });
      assert.equal(store.setError('test', A, { message: 'Session is not in a completed status.', code: 1305 }), true);
      assert.deepEqual(store.get('test', A)?.lastError, {
        message: 'Session is not in a completed status.',
        code: 1305,
        at: clock.now(),
      });
      assert.equal(store.clearError('test', A), true);
      assert.equal(store.get('test', A)?.lastError, undefined);
      assert.equal('lastError' in store.get('test', A)!, false);
      assert.equal(store.clearError('test', A), false);
      assert.equal(store.setError('test', B, { message: 'x' }), false);
    });
  });

  describe('list and grouping', () => {
    it('lists sessions oldest first, ties in the order added', () => {
      const { clock, store } = setup();
      clock.advance(HOUR);
      store.add('test', [B, A], { source: 'typed' });
      clock.set(clock.now() - 2 * HOUR); // a clock that went back
      store.add('test', [C], { source: 'typed' });
      assert.deepEqual(
        store.list('test').map((s) => s.id),
        [C, B, A],
      );
      assert.deepEqual(store.list('nobody'), []);
    });

    it('returns a list the caller may change without affecting the store', () => {
      const { store } = setup();
      store.add('test', [A, B], { source: 'typed' });
      store.list('test').pop();
      assert.equal(store.list('test').length, 2);
    });

    it('sees changes made after a previous list call', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      assert.equal(store.list('test')[0]?.status, 'unknown');
      store.updateStatus('test', A, 'approved', 1);
      assert.equal(store.list('test')[0]?.status, 'approved');
      assert.equal(store.groupByStatus('test')[0]?.status, 'approved');
    });

    it('groups by label: newest label first, sessions oldest first', () => {
      const { clock, store } = setup();
      store.add('test', [A], { label: 'nightly', source: 'trackingFile' });
      clock.advance(MINUTE);
      store.add('test', [B], { label: 'manual', source: 'typed' });
      clock.advance(MINUTE);
      store.add('test', [C], { label: 'nightly', source: 'trackingFile' });
      const groups = store.groupByLabel('test');
      assert.deepEqual(
        groups.map((g) => [g.label, g.newestAddedAt - groups[1]!.newestAddedAt, g.sessions.map((s) => s.id)]),
        [
          ['nightly', MINUTE, [A, C]],
          ['manual', 0, [B]],
        ],
      );
    });

    it('orders label groups added at the same moment by label', () => {
      const { store } = setup();
      store.add('test', [{ id: A, label: 'b' }, { id: B, label: 'a' }], { source: 'trackingFile' });
      assert.deepEqual(
        store.groupByLabel('test').map((g) => g.label),
        ['a', 'b'],
      );
    });

    it('groups by status in a fixed order, leaving out empty groups', () => {
      const { clock, store } = setup();
      store.add('test', [A, B], { source: 'typed' });
      clock.advance(MINUTE);
      store.add('test', [C, D], { source: 'typed' });
      store.updateStatuses('test', [
        { id: A, status: 'gone' },
        { id: B, status: 'approved' },
        { id: D, status: 'approved' },
      ]);
      assert.deepEqual(
        store.groupByStatus('test').map((g) => [g.status, g.sessions.map((s) => s.id)]),
        [
          ['approved', [B, D]],
          ['unknown', [C]],
          ['gone', [A]],
        ],
      );
    });

    it('counts deletable sessions: not submitted, review or gone', () => {
      const { store } = setup();
      const ids = [uuid(1), uuid(2), uuid(3), uuid(4), uuid(5), uuid(6)];
      store.add('test', ids, { source: 'typed' });
      store.updateStatuses('test', [
        { id: ids[0]!, status: 'submitted' },
        { id: ids[1]!, status: 'review' },
        { id: ids[2]!, status: 'gone' },
        { id: ids[3]!, status: 'approved' },
        { id: ids[4]!, status: 'created' },
      ]);
      assert.equal(store.deletableCount('test'), 3); // approved, created, unknown
      assert.equal(store.deletableCount('other'), 0);
    });
  });

  describe('events', () => {
    it('announces adds, removals and updates once per call, with the ids concerned', () => {
      const { store, changes } = setup();
      store.add('test', [A, B], { source: 'typed' });
      store.add('test', [A], { source: 'typed' }); // nothing new: no event
      store.updateStatus('test', A, 'approved', 1);
      store.setError('test', B, { message: 'boom' });
      store.clearError('test', B);
      store.remove('test', [A, B]);
      store.remove('test', [A]); // nothing left: no event
      assert.deepEqual(changes, [
        { kind: 'added', integrationId: 'test', ids: [A, B] },
        { kind: 'updated', integrationId: 'test', ids: [A] },
        { kind: 'updated', integrationId: 'test', ids: [B] },
        { kind: 'updated', integrationId: 'test', ids: [B] },
        { kind: 'removed', integrationId: 'test', ids: [A, B] },
      ]);
    });

    it('stops notifying a disposed listener', () => {
      const { store } = setup();
      let calls = 0;
      const subscription = store.onDidChange(() => calls++);
      store.add('test', [A], { source: 'typed' });
      subscription.dispose();
      store.add('test', [B], { source: 'typed' });
      assert.equal(calls, 1);
    });

    it('keeps notifying other listeners when one throws, and reports the error', () => {
      const errors: unknown[] = [];
      const store = new SessionStore({ clock: new ManualClock(), onListenerError: (e) => errors.push(e) });
      let secondCalled = false;
      store.onDidChange(() => {
        throw new Error('listener bug');
      });
      store.onDidChange(() => {
        secondCalled = true;
      });
      assert.deepEqual(store.add('test', [A], { source: 'typed' }).added, [A]);
      assert.equal(secondCalled, true);
      assert.equal((errors[0] as Error).message, 'listener bug');
    });
  });

  describe('serialisation', () => {
    function populated(): { clock: ManualClock; store: SessionStore } {
      const { clock, store } = setup();
      store.add('test', [{ id: A, vendorData: 'user-1' }, B], { label: 'nightly', source: 'trackingFile' });
      clock.advance(MINUTE);
      store.add('test', [C], { source: 'created' });
      store.add('live', [A], { label: 'nightly', source: 'terminal' });
      store.updateStatus('test', A, 'approved', 111);
      store.setError('test', B, { message: 'Session in progress.', code: '1306' }, 222);
      return { clock, store };
    }

    it('round-trips every field through JSON text', () => {
      const { clock, store } = populated();
      const warnings: string[] = [];
      const copy = SessionStore.fromJSON(JSON.stringify(store.toJSON()), (w) => warnings.push(w), { clock });
      assert.deepEqual(warnings, []);
      for (const integrationId of ['test', 'live']) {
        assert.deepEqual(copy.list(integrationId), store.list(integrationId));
      }
      assert.deepEqual(copy.integrationIds(), ['test', 'live']);
      assert.deepEqual(copy.toJSON(), store.toJSON());
    });

    it('stores each label once per integration and sessions as compact records', () => {
      const { store } = populated();
      const json = store.toJSON();
      const test = json.integrations.find((i) => i.integrationId === 'test')!;
      assert.equal(json.version, 1);
      assert.deepEqual(test.labels, ['nightly', defaultLabel(Date.UTC(2026, 0, 15, 12, 1))]);
      assert.deepEqual(test.sessions[0], { id: A, l: 0, s: 'trackingFile', a: Date.UTC(2026, 0, 15, 12), st: 'approved', f: 111, v: 'user-1' });
      assert.deepEqual(test.sessions[2], { id: C, l: 1, s: 'created', a: Date.UTC(2026, 0, 15, 12, 1) });
    });

    it('keeps thousands of sessions small', () => {
      const { store } = setup();
      store.add('test', Array.from({ length: 5000 }, (_, i) => uuid(i)), { label: 'big run', source: 'trackingFile' });
      const bytes = JSON.stringify(store.toJSON()).length;
      assert.ok(bytes < 5000 * 100, `${bytes} bytes`); // integrationId and label would add ~60 per record
    });

    it('starts empty with a warning on text that is not JSON, and is silent on nothing stored', () => {
      const warnings: string[] = [];
      assert.equal(SessionStore.fromJSON('{"version":1,', (w) => warnings.push(w)).size(), 0);
      assert.deepEqual(warnings, ['stored sessions are not valid JSON; starting empty']);
      warnings.length = 0;
      assert.equal(SessionStore.fromJSON(undefined, (w) => warnings.push(w)).size(), 0);
      assert.deepEqual(warnings, []);
    });

    it('starts empty with a warning on the wrong shapes', () => {
      for (const json of [42, [], { version: 1 }, { version: 1, integrations: {} }]) {
        const warnings: string[] = [];
        const store = SessionStore.fromJSON(json, (w) => warnings.push(w));
        assert.equal(store.size(), 0);
        assert.equal(warnings.length, 1, JSON.stringify(json));
      }
    });

    it('drops entries without a usable id or integration, with a warning each', () => {
      const warnings: string[] = [];
      const json = {
        version: 1,
        integrations: [
          { labels: ['x'], sessions: [{ id: C, l: 0, s: 'typed', a: 1 }] },
          { integrationId: 'emptied', labels: [], sessions: [{ id: 'nope' }] },
          {
            integrationId: 'test',
            labels: ['run'],
            sessions: [
              { id: A, l: 0, s: 'typed', a: 1 },
              { id: 'abc-123', l: 0, s: 'typed', a: 1 },
              null,
              'text',
              { l: 0, s: 'typed', a: 1 },
              { id: A.toUpperCase(), l: 0, s: 'typed', a: 2 },
              { id: B, l: 0, s: 'typed', a: 3 },
            ],
          },
        ],
      };
      const store = SessionStore.fromJSON(json, (w) => warnings.push(w));
      assert.deepEqual(
        store.list('test').map((s) => s.id),
        [A, B],
      );
      assert.equal(store.get('test', A)?.addedAt, 1);
      assert.deepEqual(store.integrationIds(), ['test']);
      assert.equal(warnings.length, 7, warnings.join('\n'));
      assert.match(warnings[0]!, /integration #0 dropped: no integrationId \(1 sessions\)/);
      assert.match(warnings[6]!, /duplicate session/);
    });

    it('keeps a session with a good id but damaged fields, repairing them with a warning each', () => {
      const clock = new ManualClock(Date.UTC(2026, 1, 2, 10));
      const warnings: string[] = [];
      const json = {
        version: 1,
        integrations: [
          {
            integrationId: 'test',
            labels: [7],
            sessions: [{ id: A, l: 0, s: 'fax', a: -5, st: 'deleted', f: 'yesterday', e: { m: 1 }, v: 9 }],
          },
        ],
      };
      const store = SessionStore.fromJSON(json, (w) => warnings.push(w), { clock });
      assert.deepEqual(store.get('test', A), {
        id: A,
        integrationId: 'test',
        label: defaultLabel(clock.now()),
        source: 'api',
        addedAt: clock.now(),
        status: 'unknown',
      });
      assert.equal(warnings.length, 7, warnings.join('\n'));
    });

    it('reads what it recognises from an unexpected version, with a warning', () => {
      const warnings: string[] = [];
      const json = { version: 2, integrations: [{ integrationId: 'test', labels: ['r'], sessions: [{ id: A, l: 0, s: 'api', a: 5 }] }] };
      const store = SessionStore.fromJSON(json, (w) => warnings.push(w));
      assert.equal(store.has('test', A), true);
      assert.deepEqual(warnings, ['stored sessions have unexpected version 2; reading what is recognisable']);
    });

    it('summarises warnings past the first twenty', () => {
      const warnings: string[] = [];
      const sessions = Array.from({ length: 50 }, () => ({ id: 'bad' }));
      SessionStore.fromJSON({ version: 1, integrations: [{ integrationId: 't', labels: [], sessions }] }, (w) => warnings.push(w));
      assert.equal(warnings.length, 21);
      assert.equal(warnings[20], '…and 30 more problems in the stored sessions');
    });

    it('treats "__proto__" as an ordinary integration id', () => {
      const { store } = setup();
      store.add('__proto__', [A], { source: 'typed' });
      const copy = SessionStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())), assert.fail);
      assert.equal(copy.has('__proto__', A), true);
    });
  });

  describe('replaceFrom', () => {
    it("adopts another window's state and names the integrations that changed", () => {
      const { clock, store, changes } = setup();
      store.add('test', [A], { source: 'typed' });
      store.add('live', [B], { source: 'typed' });
      const other = new SessionStore({ clock });
      other.add('live', [B], { source: 'typed' });
      other.add('staging', [C], { source: 'typed' });
      changes.length = 0;
      assert.equal(store.replaceFrom(other.toJSON()), true);
      assert.deepEqual(changes, [{ kind: 'replaced', integrationIds: ['test', 'staging'] }]);
      assert.equal(store.has('test', A), false);
      assert.equal(store.has('staging', C), true);
      assert.deepEqual(store.toJSON(), other.toJSON());
    });

    it('emits nothing when the state is the same (no echo between windows)', () => {
      const { store, changes } = setup();
      store.add('test', [A], { source: 'typed' });
      changes.length = 0;
      assert.equal(store.replaceFrom(JSON.stringify(store.toJSON())), false);
      assert.deepEqual(changes, []);
    });

    it('sees a status change in the other state', () => {
      const { store, changes } = setup();
      store.add('test', [A], { source: 'typed' });
      const json = store.toJSON() as SessionStoreJSON;
      json.integrations[0]!.sessions[0]!.st = 'approved';
      changes.length = 0;
      assert.equal(store.replaceFrom(json), true);
      assert.equal(store.get('test', A)?.status, 'approved');
      assert.equal(store.groupByStatus('test')[0]?.status, 'approved');
      assert.deepEqual(changes, [{ kind: 'replaced', integrationIds: ['test'] }]);
    });

    it('passes warnings on and never throws on corrupt state', () => {
      const { store } = setup();
      store.add('test', [A], { source: 'typed' });
      const warnings: string[] = [];
      assert.equal(store.replaceFrom('not json', (w) => warnings.push(w)), true);
      assert.equal(store.size(), 0);
      assert.equal(warnings.length, 1);
    });
  });

  describe('performance sanity', () => {
    it('handles 10,000 adds, a list and a grouping quickly', function () {
      this.timeout(10_000);
      const { clock, store } = setup();
      const start = Date.now();
      for (let i = 0; i < 10_000; i++) {
        if (i % 100 === 0) {
          clock.advance(MINUTE);
        }
        store.add('test', [uuid(i)], { label: `run ${Math.floor(i / 100)}`, source: 'trackingFile' });
      }
      const list = store.list('test');
      const groups = store.groupByLabel('test');
      const elapsed = Date.now() - start;
      assert.equal(list.length, 10_000);
      assert.equal(groups.length, 100);
      assert.equal(groups[0]?.label, 'run 99');
      assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    });
  });
});

describe('defaultLabel', () => {
  it('is "Tracked" and the ISO date in the given time zone', () => {
    const t = Date.UTC(2026, 0, 31, 23, 30);
    assert.equal(defaultLabel(t, 0), 'Tracked 2026-01-31');
    assert.equal(defaultLabel(t, -120), 'Tracked 2026-02-01'); // UTC+2
    assert.equal(defaultLabel(t, 300), 'Tracked 2026-01-31'); // UTC-5
  });
});
