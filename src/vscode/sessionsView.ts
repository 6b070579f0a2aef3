import * as vscode from 'vscode';
import type { Services } from './services';
import { SESSIONS_VIEW_ID } from './viewIds';
import { AGE_TICK_MS } from './sessionTree';
import { ViewFocus } from './viewFocus';

// ---- the view -------------------------------------------------------------------------------

export interface SessionsViewOptions {
  /** Told (undebounced) each time the view becomes visible. */
  autoRefresh?: { trigger(): void };
}

/**
 * Creates the `veriff.sessions` view on the provider and keeps its chrome in step: the badge
 * (deletable sessions) and the description (active integration).
 */
export function registerSessionsView(services: Services, options: SessionsViewOptions = {}): vscode.Disposable[] {
  const provider = services.sessionTree;
  provider.autoRefresh = options.autoRefresh;
  const view = vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });
  provider.view = view;
  provider.focus = new ViewFocus(view);
  const updateChrome = (): void => {
    const active = services.credentials.active();
    view.description = active?.name;
    const deletable = provider.deletableCount();
    view.badge = deletable > 0 ? { value: deletable, tooltip: vscode.l10n.t('Tracked sessions that can be deleted: {0}', deletable) } : undefined;
  };
  let ageTimer: ReturnType<typeof setInterval> | undefined;
  const onVisibility = (visible: boolean): void => {
    if (visible) {
      ageTimer ??= setInterval(() => provider.refreshRows(), AGE_TICK_MS);
      options.autoRefresh?.trigger();
    } else if (ageTimer) {
      clearInterval(ageTimer);
      ageTimer = undefined;
    }
  };
  // Right after activation: the badge counts every tracked session, and a refresh can wait a tick.
  const first = setImmediate(() => {
    updateChrome();
    if (view.visible) {
      onVisibility(true);
    }
  });
  return [
    provider,
    provider.focus,
    view,
    provider.onDidRender(updateChrome),
    view.onDidChangeVisibility((e) => onVisibility(e.visible)),
    {
      dispose: () => {
        clearImmediate(first);
        if (ageTimer) {
          clearInterval(ageTimer);
        }
      },
    },
  ];
}
