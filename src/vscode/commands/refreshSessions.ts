import * as vscode from 'vscode';
import { mapWithConcurrency } from '../../core/concurrency';
import { failureCode } from '../../core/deletePlan';
import type { Outcome } from '../../core/http/outcomes';
import type { SessionStatus } from '../../core/status';
import { AutoRefreshThrottle, STATUS_CONCURRENCY, selectForAutoRefresh } from '../../core/statusRefresh';
import { describeFailure, guard, showFailure, showNoIntegration } from '../failures';
import type { Services } from '../services';
import { byIntegration, resolveSessionArgs } from '../sessionArgs';
import type { Connection } from '../veriffAccess';

const SESSIONS_VIEW_ID = 'veriff.sessions';
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

function emptySummary(): RefreshSummary {
  return { requested: 0, refreshed: 0, gone: 0, failed: 0, skipped: 0, cancelled: false, failures: [] };
}

function merge(into: RefreshSummary, from: RefreshSummary): void {
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
  const summary = emptySummary();
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

/**
 * "Veriff: Refresh Session Statuses": the clicked row(s), the selection, a group, given ids, or
 * (bare) every session of the active integration.
 */
export async function refreshSessions(services: Services, arg?: unknown, selected?: unknown, signal?: AbortSignal): Promise<RefreshSummary | undefined> {
  return guard(services, vscode.l10n.t('Refreshing session statuses'), async () => {
    const store = services.sessions.store;
    const args = resolveSessionArgs(services, arg, selected);
    let groups: Map<string, string[]>;
    if (args.given) {
      groups = byIntegration(args.refs.filter((r) => store.has(r.integrationId, r.id)));
    } else {
      const active = services.credentials.active();
      if (!active) {
        await showNoIntegration(services);
        return undefined;
      }
      groups = new Map([[active.id, store.list(active.id).map((s) => s.id)]]);
    }
    const total = [...groups.values()].reduce((n, ids) => n + ids.length, 0);
    const summary = emptySummary();
    if (total === 0) {
      await services.ui.showInformationMessage(vscode.l10n.t('No tracked sessions to refresh.'));
      return summary;
    }
    for (const [integrationId, ids] of groups) {
      const integration = services.credentials.list().find((i) => i.id === integrationId);
      const connection = await services.access.connect(integration);
      if (!connection) {
        await showFailure(
          services,
          vscode.l10n.t('The statuses of {0} sessions were not refreshed: their integration has no API credentials.', ids.length),
          { credentialsFix: true },
        );
        continue;
      }
      merge(summary, await refreshIntegration(services, connection, ids, signal));
    }
    await reportRefresh(services, summary);
    return summary;
  });
}

async function reportRefresh(services: Services, summary: RefreshSummary): Promise<void> {
  if (summary.failures.length > 0) {
    const first = describeFailure(summary.failures[0].outcome);
    const credentialsFix = summary.failures.some((f) => describeFailure(f.outcome).credentialsFix);
    await showFailure(
      services,
      vscode.l10n.t('Could not refresh {0} of {1} session statuses; the rows show the error. {2}', summary.failed, summary.requested, first.text),
      { credentialsFix },
    );
  } else if (summary.cancelled) {
    await services.ui.showInformationMessage(vscode.l10n.t('Refresh cancelled: {0} of {1} statuses refreshed.', summary.refreshed, summary.requested));
  } else {
    vscode.window.setStatusBarMessage(vscode.l10n.t('$(check) Veriff: {0} session statuses refreshed', summary.refreshed), 4000);
  }
}

export type AutoRefreshDecision =
  | { ran: false; reason: 'noIntegration' | 'noCredentials' | 'nothingStale' | 'throttled' }
  | { ran: true; summary: RefreshSummary };

/** How long after the view becomes visible the automatic refresh starts (repeated triggers collapse). */
export const AUTO_REFRESH_DEBOUNCE_MS = 300;

/**
 * Refreshes stale statuses when the sessions view becomes visible: debounced, at most once a
 * minute, only sessions whose status is older than five minutes (the stalest 40 at most), with
 * the view's progress bar and no pop-ups (failures are on the rows and in the log).
 */
export class AutoRefresher implements vscode.Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private throttle: AutoRefreshThrottle;
  private readonly decided = new vscode.EventEmitter<AutoRefreshDecision>();
  /** Fires once per debounced trigger with what was decided (tests await it). */
  readonly onDidDecide = this.decided.event;

  constructor(private readonly services: Services) {
    this.throttle = new AutoRefreshThrottle(services.clock);
  }

  trigger(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run().then((decision) => this.decided.fire(decision));
    }, AUTO_REFRESH_DEBOUNCE_MS);
  }

  /** Forgets when the last automatic refresh ran (tests start from a clean slate). */
  resetThrottle(): void {
    this.throttle = new AutoRefreshThrottle(this.services.clock);
  }

  private async run(): Promise<AutoRefreshDecision> {
    const integration = this.services.credentials.active();
    if (!integration) {
      return { ran: false, reason: 'noIntegration' };
    }
    const stale = selectForAutoRefresh(this.services.sessions.store.list(integration.id), this.services.clock.now());
    if (stale.length === 0) {
      return { ran: false, reason: 'nothingStale' };
    }
    const throttle = this.throttle;
    if (!throttle.tryStart()) {
      return { ran: false, reason: 'throttled' };
    }
    try {
      const connection = await this.services.access.connect(integration);
      if (!connection) {
        return { ran: false, reason: 'noCredentials' };
      }
      this.services.log.info(`[${integration.name}] Refreshing ${stale.length} stale session statuses (view opened)`);
      const summary = await withSessionsProgress('', false, async () => (await fetchStatuses(this.services, connection, stale.map((s) => s.id))).summary);
      return { ran: true, summary };
    } catch (err) {
      this.services.log.error(`Automatic status refresh failed: ${err instanceof Error ? err.message : String(err)}`);
      return { ran: true, summary: emptySummary() };
    } finally {
      throttle.finished();
    }
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.decided.dispose();
  }
}
