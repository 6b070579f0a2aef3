import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CredentialStore, SecretStorageUnavailableError } from '../../src/vscode/credentials';
import * as credentialWrites from '../../src/vscode/credentialWrites';

/** A context whose SecretStorage fails the way it does on Linux without a keyring. */
function contextWithoutKeyring(): { context: vscode.ExtensionContext; state: Map<string, unknown> } {
  const state = new Map<string, unknown>();
  const fail = () => Promise.reject(new Error('Cannot create an item in a locked collection'));
  const context = {
    secrets: { get: fail, store: fail, delete: fail, keys: fail, onDidChange: () => ({ dispose() {} }) },
    globalState: {
      get: (k: string) => state.get(k),
      update: async (k: string, v: unknown) => void state.set(k, v),
      keys: () => [...state.keys()],
      setKeysForSync: () => undefined,
    },
  } as unknown as vscode.ExtensionContext;
  return { context, state };
}

describe('credentials when SecretStorage is unavailable (no keyring)', () => {
  it('refuses to save, explains the password-store option, and stores nothing anywhere else', async () => {
    const { context, state } = contextWithoutKeyring();
    const store = new CredentialStore(context, undefined, () => credentialWrites);
    try {
      await assert.rejects(
        store.upsert({ name: 'Test', apiUrl: 'https://stationapi.veriff.com', apiKey: '0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c', sharedSecret: 'canary-secret-keyring' }),
        (err: unknown) => {
          assert.ok(err instanceof SecretStorageUnavailableError);
          assert.match(err.message, /keyring/);
          assert.match(err.message, /password-store/);
          assert.ok(!err.message.includes('canary-secret-keyring'));
          return true;
        },
      );
      assert.equal(store.list().length, 0, 'no integration was recorded');
      assert.ok(!JSON.stringify([...state.entries()]).includes('canary-secret-keyring'), 'no plain-text fallback in global state');
    } finally {
      store.dispose();
    }
  });

  it('reading secrets fails with the same clear error instead of pretending nothing is stored', async () => {
    const { context, state } = contextWithoutKeyring();
    state.set('veriff.integrations', [{ id: 'a1', name: 'Live', apiUrl: 'https://stationapi.veriff.com' }]);
    const store = new CredentialStore(context, undefined, () => credentialWrites);
    try {
      await assert.rejects(store.getSecrets(store.list()[0]), SecretStorageUnavailableError);
    } finally {
      store.dispose();
    }
  });
});
