import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ENVIRONMENT_INTEGRATION_NAME } from '../core/environmentCredentials';
import {
  ACTIVE_KEY, ENVIRONMENT_INTEGRATION_ID, LIST_KEY, REVISION_SECRET, SECRET_PREFIX, SecretStorageUnavailableError,
  type Integration, type IntegrationInput, type WritableCredentials,
} from './credentials';

// Saving, switching and removing integrations (CredentialStore's writes): only commands and the
// sandbox write, so this ships in dist/veriff.js, not with activation.

/** Adds or updates an integration by name and makes it active. Secrets are written first: a failure changes nothing. */
export async function upsert(store: WritableCredentials, input: IntegrationInput): Promise<Integration> {
  store.sink?.addSecret(input.apiKey);
  store.sink?.addSecret(input.sharedSecret);
  const existing = store.find(input.name);
  if (existing?.environment) {
    throw new Error(vscode.l10n.t('"{0}" is the integration read from the environment; it cannot be saved. Choose another name.', existing.name));
  }
  const integration: Integration = {
    id: existing?.id ?? randomUUID(),
    name: input.name.trim(),
    apiUrl: input.apiUrl,
    ...(input.sandbox || existing?.sandbox ? { sandbox: true } : {}),
  };
  try {
    await store.context.secrets.store(
      SECRET_PREFIX + integration.id,
      JSON.stringify({ apiKey: input.apiKey.trim().toLowerCase(), sharedSecret: input.sharedSecret.trim() }),
    );
  } catch (err) {
    throw new SecretStorageUnavailableError(err);
  }
  store.forget(integration.id);
  const list = store.stored().filter((i) => i.id !== integration.id);
  list.push(integration);
  await store.context.globalState.update(LIST_KEY, list);
  await setActive(store, integration.id);
  return integration;
}

export async function setActive(store: WritableCredentials, id: string): Promise<void> {
  await store.context.globalState.update(ACTIVE_KEY, id);
  await bumpRevision(store);
  store.changed();
}

export async function remove(store: WritableCredentials, id: string): Promise<void> {
  if (id === ENVIRONMENT_INTEGRATION_ID) {
    throw new Error(
      vscode.l10n.t('The "{0}" integration comes from the environment: turn off the setting veriff.credentialsFromEnvironment or unset the variables.', ENVIRONMENT_INTEGRATION_NAME),
    );
  }
  try {
    await store.context.secrets.delete(SECRET_PREFIX + id);
  } catch (err) {
    throw new SecretStorageUnavailableError(err);
  }
  store.forget(id);
  const list = store.stored().filter((i) => i.id !== id);
  await store.context.globalState.update(LIST_KEY, list);
  if (store.context.globalState.get<string>(ACTIVE_KEY) === id) {
    await store.context.globalState.update(ACTIVE_KEY, list[0]?.id);
  }
  await bumpRevision(store);
  store.changed();
}

async function bumpRevision(store: WritableCredentials): Promise<void> {
  try {
    await store.context.secrets.store(REVISION_SECRET, String(Date.now()));
  } catch {
    // Only a cross-window hint; the change itself is already stored.
  }
}
