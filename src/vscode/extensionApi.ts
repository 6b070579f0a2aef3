import * as vscode from 'vscode';
import type { AddResult, SessionSource } from '../core/sessions';
import type { SessionStatus } from '../core/status';
import type { Services } from './services';
import { loadTrackingPart } from './loadTrackingPart';

/** A tracked session as other extensions see it: a plain copy, never a live record. */
export interface TrackedSessionSnapshot {
  readonly id: string;
  /** The integration's name (its id when the integration was removed). */
  readonly integration: string;
  readonly label: string;
  readonly status: SessionStatus;
  /** Epoch milliseconds. */
  readonly addedAt: number;
  readonly source: SessionSource;
}

/** The part of the extension's API that deals with tracked sessions. */
export interface SessionsApi {
  /**
   * Tracks session ids for the active integration (strings with any separators; only UUIDs are
   * taken). Resolves to what happened, or undefined when no integration is set up (nothing tracked).
   */
  trackSessions(ids: string | readonly string[], label?: string): Promise<AddResult | undefined>;
  /** Every tracked session of every integration, oldest first per integration. */
  getTrackedSessions(): TrackedSessionSnapshot[];
  /** Fires after tracked sessions were added, removed or changed (in this or another window). */
  readonly onDidChangeSessions: vscode.Event<void>;
}

/** Builds the sessions API; dispose the second value on deactivation. */
export function buildSessionsApi(services: Services): [SessionsApi, vscode.Disposable] {
  const emitter = new vscode.EventEmitter<void>();
  const sub = services.sessions.store.onDidChange(() => emitter.fire());
  const api: SessionsApi = {
    trackSessions: async (ids, label) => {
      if (typeof ids !== 'string' && !Array.isArray(ids)) {
        throw new TypeError('trackSessions expects a string or an array of strings');
      }
      const text = typeof ids === 'string' ? ids : ids.map((x) => String(x)).join('\n');
      return loadTrackingPart().trackIds(
        services,
        { text, typed: true },
        { source: 'api', label: typeof label === 'string' ? label : undefined, notify: 'status' },
      );
    },
    getTrackedSessions: () => {
      const names = new Map(services.credentials.list().map((i) => [i.id, i.name]));
      const store = services.sessions.store;
      return store.integrationIds().flatMap((integrationId) =>
        store.list(integrationId).map((s) => ({
          id: s.id,
          integration: names.get(integrationId) ?? integrationId,
          label: s.label,
          status: s.status,
          addedAt: s.addedAt,
          source: s.source,
        })),
      );
    },
    onDidChangeSessions: emitter.event,
  };
  return [api, { dispose: () => (sub.dispose(), emitter.dispose()) }];
}
