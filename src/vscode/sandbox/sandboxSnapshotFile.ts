// What the local sandbox writes to sandbox.json, and how a stored file is matched to the
// credentials in SecretStorage on the next start. No `vscode` import: unit-tested in plain Node.
import { createHash } from 'node:crypto';
import type { SandboxSnapshot } from '../../sandbox/snapshot';
import { isRecord } from '../../core/typeGuards';

/** The credentials the sandbox integration signs with (kept in SecretStorage). */
export interface SandboxCredentials {
  apiKey: string;
  sharedSecret: string;
}

/** The shared secret never reaches the file: it is replaced by this non-reversible marker. */
export function secretMarker(sharedSecret: string): string {
  return `sha256:${createHash('sha256').update(`veriff-sandbox:${sharedSecret}`).digest('hex')}`;
}

/** The API key never reaches the file either (it lives in SecretStorage): this fingerprint stands for it. */
export function keyFingerprint(apiKey: string): string {
  return `sha256:${createHash('sha256').update(`veriff-sandbox-key:${apiKey.trim().toLowerCase()}`).digest('hex')}`;
}

function isFingerprint(value: unknown): boolean {
  return typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value);
}

/**
 * The snapshot as written to disk: the same shape, with each shared secret replaced by its marker
 * and each API key (of the integrations, the sessions and the delete log) by its fingerprint.
 */
export function toFileSnapshot(snapshot: SandboxSnapshot): SandboxSnapshot {
  return {
    ...snapshot,
    integrations: snapshot.integrations.map((i) => ({ ...i, apiKey: keyFingerprint(i.apiKey), sharedSecret: secretMarker(i.sharedSecret) })),
    sessions: snapshot.sessions.map((s) => ({ ...s, apiKey: keyFingerprint(s.apiKey) })),
    deleteLog: Object.fromEntries(Object.entries(snapshot.deleteLog).map(([key, times]) => [keyFingerprint(key), times])),
  };
}

/**
 * A file written by an earlier version held the API keys in plain text: returns it with every key
 * replaced by its fingerprint (`changed` false when there was none, or it is not a sandbox file).
 */
export function withoutPlainKeys(data: unknown): { changed: boolean; data: unknown } {
  if (!isRecord(data) || data.version !== 1 || !Array.isArray(data.integrations) || !Array.isArray(data.sessions) || !isRecord(data.deleteLog)) {
    return { changed: false, data };
  }
  let changed = false;
  const hide = (key: unknown): unknown => {
    if (typeof key !== 'string' || isFingerprint(key)) {
      return key;
    }
    changed = true;
    return keyFingerprint(key);
  };
  const migrated = {
    ...data,
    integrations: data.integrations.map((i) => (isRecord(i) ? { ...i, apiKey: hide(i.apiKey) } : i)),
    sessions: data.sessions.map((s) => (isRecord(s) ? { ...s, apiKey: hide(s.apiKey) } : s)),
    deleteLog: Object.fromEntries(Object.entries(data.deleteLog).map(([key, times]) => [hide(key) as string, times])),
  };
  return changed ? { changed, data: migrated } : { changed, data };
}

export type Reconciled =
  | {
      ok: true;
      /** Ready for `SandboxState.restore`: exactly one integration, the given credentials. */
      snapshot: SandboxSnapshot;
      /** The file's integration did not match the credentials: its sessions were moved to them. */
      reRegistered: boolean;
    }
  | { ok: false; reason: string };

/**
 * Matches a stored file to the current credentials. When the file's integration has the same API
 * key and secret, it is restored as is. Otherwise (credentials regenerated after SecretStorage was
 * cleared, or a foreign file) the current credentials are registered instead and the stored
 * sessions and delete history are moved to them, so the sandbox keeps its sessions and its limits.
 * Everything else (session shapes) is checked by `SandboxState.restore`.
 */
export function reconcileSnapshot(data: unknown, credentials: SandboxCredentials): Reconciled {
  if (!isRecord(data) || data.version !== 1) {
    return { ok: false, reason: 'not a version 1 sandbox snapshot' };
  }
  const { integrations, sessions, deleteLog } = data;
  if (!Array.isArray(integrations) || !Array.isArray(sessions) || !isRecord(deleteLog)) {
    return { ok: false, reason: 'integrations, sessions or deleteLog missing' };
  }
  const marker = secretMarker(credentials.sharedSecret);
  // The key as a fingerprint, or in plain text in a file of an earlier version.
  const keys = new Set([credentials.apiKey, keyFingerprint(credentials.apiKey)]);
  const matching = integrations.find((i) => isRecord(i) && keys.has(i.apiKey as string) && i.sharedSecret === marker);
  const deleteEnabled = isRecord(matching) && typeof matching.deleteEnabled === 'boolean' ? matching.deleteEnabled : true;
  const mergedLog: number[] = [];
  for (const times of Object.values(deleteLog)) {
    if (!Array.isArray(times)) {
      return { ok: false, reason: 'the delete log is malformed' };
    }
    mergedLog.push(...times);
  }
  const snapshot = {
    version: 1,
    integrations: [{ apiKey: credentials.apiKey, sharedSecret: credentials.sharedSecret, deleteEnabled }],
    sessions: sessions.map((s) => (isRecord(s) ? { ...s, apiKey: credentials.apiKey } : s)),
    deleteLog: mergedLog.length > 0 ? { [credentials.apiKey]: mergedLog } : {},
  } as SandboxSnapshot;
  const reRegistered = matching === undefined || integrations.length !== 1;
  return { ok: true, snapshot, reRegistered };
}

