import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { SandboxState } from '../../src/sandbox/sandboxState';
import { keyFingerprint, reconcileSnapshot, secretMarker, toFileSnapshot, withoutPlainKeys } from '../../src/vscode/sandbox/sandboxSnapshotFile';

const KEY = '0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c';
const SECRET = 'a'.repeat(64);
const OTHER_KEY = '7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59';

function stateWithSessions(apiKey: string, secret: string): SandboxState {
  const state = new SandboxState({ clock: new ManualClock() });
  state.addIntegration(apiKey, secret);
  state.createSession(apiKey, { status: 'approved' });
  state.createSession(apiKey, { status: 'submitted' });
  state.tryTakeDeleteSlot(apiKey);
  return state;
}

describe('local sandbox file (sandbox.json)', () => {
  it('writes a marker instead of the shared secret', () => {
    const text = JSON.stringify(toFileSnapshot(stateWithSessions(KEY, SECRET).snapshot()));
    assert.ok(!text.includes(SECRET));
    assert.ok(text.includes(secretMarker(SECRET)));
    assert.notEqual(secretMarker(SECRET), secretMarker('b'.repeat(64)));
  });

  it('keeps only a fingerprint of the API key: not in the integrations, the sessions or the delete log', () => {
    const text = JSON.stringify(toFileSnapshot(stateWithSessions(KEY, SECRET).snapshot()));
    assert.ok(!text.toLowerCase().includes(KEY), text);
    assert.ok(!text.toLowerCase().includes(KEY.slice(0, 18)), 'not even most of it');
  });

  it('restores a file written with the same credentials as it was, secret put back', () => {
    const original = stateWithSessions(KEY, SECRET);
    const file = JSON.parse(JSON.stringify(toFileSnapshot(original.snapshot())));
    const reconciled = reconcileSnapshot(file, { apiKey: KEY, sharedSecret: SECRET });
    assert.ok(reconciled.ok);
    assert.equal(reconciled.reRegistered, false);
    const restored = new SandboxState({ clock: original.clock });
    assert.deepEqual(restored.restore(reconciled.snapshot), { ok: true });
    assert.deepEqual(restored.snapshot(), original.snapshot());
  });

  it('moves sessions and delete history to the current credentials when the file belongs to others', () => {
    const original = stateWithSessions(OTHER_KEY, 'c'.repeat(64));
    const file = JSON.parse(JSON.stringify(toFileSnapshot(original.snapshot())));
    for (const credentials of [{ apiKey: KEY, sharedSecret: SECRET }, { apiKey: OTHER_KEY, sharedSecret: SECRET }]) {
      const reconciled = reconcileSnapshot(file, credentials);
      assert.ok(reconciled.ok);
      assert.equal(reconciled.reRegistered, true);
      const restored = new SandboxState({ clock: original.clock });
      assert.deepEqual(restored.restore(reconciled.snapshot), { ok: true });
      assert.deepEqual(restored.listIntegrations(), [{ ...credentials, deleteEnabled: true }]);
      assert.deepEqual(restored.listSessions().map((s) => [s.id, s.status, s.apiKey]), original.listSessions().map((s) => [s.id, s.status, credentials.apiKey]));
      assert.equal(restored.deleteBudget(credentials.apiKey).usedLastHour, 1);
    }
  });

  it('migrates a file of an earlier version (plain-text key): only fingerprints are left, and it still restores as it was', () => {
    const original = stateWithSessions(KEY, SECRET);
    const snapshot = original.snapshot();
    const legacy = JSON.parse(JSON.stringify({ ...snapshot, integrations: snapshot.integrations.map((i) => ({ ...i, sharedSecret: secretMarker(i.sharedSecret) })) }));
    assert.ok(JSON.stringify(legacy).includes(KEY), 'the old form held the key');
    const legacyRestore = reconcileSnapshot(legacy, { apiKey: KEY, sharedSecret: SECRET });
    assert.ok(legacyRestore.ok && !legacyRestore.reRegistered, 'an old file still matches its credentials');

    const migrated = withoutPlainKeys(legacy);
    assert.equal(migrated.changed, true);
    const text = JSON.stringify(migrated.data);
    assert.ok(!text.includes(KEY));
    assert.ok(text.includes(keyFingerprint(KEY)));
    assert.deepEqual(migrated.data, JSON.parse(JSON.stringify(toFileSnapshot(snapshot))), 'the same as a file written now');
    const reconciled = reconcileSnapshot(migrated.data, { apiKey: KEY, sharedSecret: SECRET });
    assert.ok(reconciled.ok && !reconciled.reRegistered);
    const restored = new SandboxState({ clock: original.clock });
    assert.deepEqual(restored.restore(reconciled.snapshot), { ok: true });
    assert.deepEqual(restored.snapshot(), snapshot);

    assert.equal(withoutPlainKeys(migrated.data).changed, false, 'a migrated file stays as it is');
    assert.equal(withoutPlainKeys({ version: 2 }).changed, false);
  });

  it('refuses what is not a sandbox file', () => {
    for (const data of [null, [], { version: 2 }, { version: 1, integrations: [] }, { version: 1, integrations: [], sessions: [], deleteLog: { k: 'x' } }]) {
      assert.equal(reconcileSnapshot(data, { apiKey: KEY, sharedSecret: SECRET }).ok, false, JSON.stringify(data));
    }
  });
});
