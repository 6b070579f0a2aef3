import * as vscode from 'vscode';
import { mapWithConcurrency } from '../core/concurrency';
import { failureCode } from '../core/deletePlan';
import type { Outcome } from '../core/http/outcomes';
import type { SessionStatus } from '../core/status';
import { STATUS_CONCURRENCY } from '../core/statusRefresh';

import { describeFailure } from './failureText';
import type { Services } from './services';
import { SESSIONS_VIEW_ID } from './viewIds';
import type { Connection } from './veriffAccess';

type Failure = Exclude<Outcome<SessionStatus>, { kind: 'ok' }>;

export interface RefreshSummary {
  /** Sessions asked about. */
  requested: number;
  /** Sessions whose status arrived (`gone` included). */
  refreshed: number;
  gone: number;
  failed: number;
  /** Not asked: cancelled before their turn. */
  skipped: number;
  cancelled: boolean;
  failures: Array<{ id: string; outcome: Failure }>;
}

export function emptyRefreshSummary(): RefreshSummary {
  return { requested: 0, refreshed: 0, gone: 0, failed: 0, skipped: 0, cancelled: false, failures: [] };
}

export function mergeRefresh(into: RefreshSummary, from: RefreshSummary): void {
  into.requested += from.requested;
  into.refreshed += from.refreshed;
  into.gone += from.gone;
  into.failed += from.failed;
  into.skipped += from.skipped;
  into.cancelled ||= from.cancelled;
  into.failures.push(...from.failures);
}

/**
 * Fetches the status of each id (decision, else attempts; 404 → `gone`), at most
 * STATUS_CONCURRENCY at once, and records it on the tracked session as it arrives: the status,
 * or the failure as the row's last error. Ids that are not tracked are only reported in `statuses`.
 */
export async function fetchStatuses(
  services: Services,
  connection: Connection,
  ids: readonly string[],
  options: { signal?: AbortSignal; onDone?: () => void } = {},
): Promise<{ summary: RefreshSummary; statuses: Map<string, { status: SessionStatus; fetchedAt: number } | Failure> }> {
  const store = services.sessions.store;
  const integrationId = connection.integration.id;
  const summary = emptyRefreshSummary();
  summary.requested = ids.length;
  const statuses = new Map<string, { status: SessionStatus; fetchedAt: number } | Failure>();
  const results = await mapWithConcurrency(
    ids,
    STATUS_CONCURRENCY,
    async (id) => {
      const outcome = await connection.client.getStatus(id, { signal: options.signal });
      const fetchedAt = services.clock.now();
      if (outcome.kind === 'ok') {
        summary.refreshed++;
        if (outcome.value === 'gone') {
          summary.gone++;
        }
        statuses.set(id, { status: outcome.value, fetchedAt });
        store.updateStatus(integrationId, id, outcome.value, fetchedAt);
        store.clearError(integrationId, id);
      } else if (outcome.kind === 'cancelled') {
        summary.skipped++;
        statuses.set(id, outcome);
      } else {
        summary.failed++;
        summary.failures.push({ id, outcome });
        statuses.set(id, outcome);
        store.setError(integrationId, id, { message: describeFailure(outcome).text, code: failureCode(outcome) }, fetchedAt);
      }
      options.onDone?.();
    },
    { signal: options.signal },
  );
  summary.skipped += results.filter((r) => r.state === 'skipped').length;
  summary.cancelled = options.signal?.aborted ?? false;
  for (const r of results) {
    if (r.state === 'failed') {
      // fetchStatuses' own body failed (a bug, not a Veriff answer): never silently.
      services.log.error(`Status refresh failed: ${r.error instanceof Error ? r.error.message : String(r.error)}`);
    }
  }
  const line =
    `[${connection.integration.name}] Status refresh: ${summary.refreshed} of ${summary.requested} fetched` +
    (summary.gone ? `, ${summary.gone} gone (404)` : '') +
    (summary.failed ? `, ${summary.failed} failed` : '') +
    (summary.skipped ? `, ${summary.skipped} cancelled` : '');
  (summary.failed ? services.log.warn : services.log.info).call(services.log, line);
  return { summary, statuses };
}

/**
 * Runs `task` with the view's progress bar; with `cancellable`, also a notification with a Cancel
 * button (only notifications can offer one) whose token aborts the signal.
 */
export function withSessionsProgress<T>(
  title: string,
  cancellable: boolean,
  task: (signal: AbortSignal | undefined, report: (message: string, increment?: number) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: { viewId: SESSIONS_VIEW_ID } }, () => {
    if (!cancellable) {
      return task(undefined, () => undefined);
    }
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      return task(controller.signal, (message, increment) => progress.report({ message, increment })).finally(() => sub.dispose());
    });
  });
}

/** Refreshes sessions of one integration with progress; an explicit `signal` (tests) replaces the Cancel button. */
export async function refreshIntegration(services: Services, connection: Connection, ids: readonly string[], signal?: AbortSignal): Promise<RefreshSummary> {
  const title = vscode.l10n.t('Refreshing Veriff session statuses ({0})', connection.integration.name);
  const cancellable = signal === undefined && ids.length > STATUS_CONCURRENCY;
  return withSessionsProgress(title, cancellable, async (progressSignal, report) => {
    let done = 0;
    const result = await fetchStatuses(services, connection, ids, {
      signal: signal ?? progressSignal,
      onDone: () => report(`${++done}/${ids.length}`),
    });
    return result.summary;
  });
}
