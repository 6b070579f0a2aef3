import * as vscode from 'vscode';
import { AutoRefreshThrottle, selectForAutoRefresh } from '../core/statusRefresh';
import type { Services } from './services';
import { loadVeriffPart } from './loadVeriffPart';
import type { RefreshSummary } from './sessionStatuses';

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
      const { fetchStatuses, withSessionsProgress } = loadVeriffPart();
      const summary = await withSessionsProgress('', false, async () => (await fetchStatuses(this.services, connection, stale.map((s) => s.id))).summary);
      return { ran: true, summary };
    } catch (err) {
      this.services.log.error(`Automatic status refresh failed: ${err instanceof Error ? err.message : String(err)}`);
      return { ran: true, summary: loadVeriffPart().emptyRefreshSummary() };
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
