// What the local sandbox writes to sandbox.json, and how a stored file is matched to the
// credentials in SecretStorage on the next start. No `vscode` import: unit-tested in plain Node.
import { createHash } from 'node:crypto';
import type { SandboxSnapshot } from '../../core/sandbox/sandboxState';
import { isRecord } from '../../core/stateIssues';

/** The credentials the sandbox integration signs with (kept in SecretStorage). */
export interface SandboxCredentials {
  apiKey: string;
  sharedSecret: string;
}

/** The shared secret never reaches the file: it is replaced by this non-reversible marker. */
export function secretMarker(sharedSecret: string): string {
  return `sha256:${createHash('sha256').update(`veriff-sandbox:${sharedSecret}`).digest('hex')}`;
}

/** The snapshot as written to disk: the same shape, with each shared secret replaced by its marker. */
export function toFileSnapshot(snapshot: SandboxSnapshot): SandboxSnapshot {
  return {
    ...snapshot,
    integrations: snapshot.integrations.map((i) => ({ ...i, sharedSecret: secretMarker(i.sharedSecret) })),
  };
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
  const matching = integrations.find((i) => isRecord(i) && i.apiKey === credentials.apiKey && i.sharedSecret === marker);
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

