import * as vscode from 'vscode';
import { SessionStore, type SessionStoreChange } from '../core/sessions';
import type { VeriffLog } from './log';
import { SharedState } from './sharedState';

const SAVE_DELAY_MS = 150;

/**
 * The tracked-session store, persisted in global state (so it survives reloads) and kept in step
 * with other windows. Saves are debounced so a burst of changes (an import of 10,000 ids, a
 * refresh of many statuses) is written once.
 */
export class SessionRepository implements vscode.Disposable {
  readonly store: SessionStore;
  private readonly shared: SharedState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pending: Promise<void> | undefined;
  private adopting = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(context: vscode.ExtensionContext, log: VeriffLog) {
    this.shared = new SharedState(context, 'veriff.sessions');
    this.store = SessionStore.fromJSON(this.shared.load() ?? { version: 1, integrations: [] }, (m) => log.warn(`Stored sessions: ${m}`), {
      onListenerError: (err) => log.error(`Session change listener failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    const sub = this.store.onDidChange((change: SessionStoreChange) => {
      if (!this.adopting && change.kind !== 'replaced') {
        this.scheduleSave();
      }
    });
    this.disposables.push(
      this.shared,
      { dispose: () => sub.dispose() },
      this.shared.onDidChangeElsewhere((value) => {
        this.adopting = true;
        try {
          this.store.replaceFrom(value, (m) => log.warn(`Sessions from another window: ${m}`));
        } finally {
          this.adopting = false;
        }
      }),
    );
  }

  private scheduleSave(): void {
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = this.shared.save(this.store.toJSON());
    }, SAVE_DELAY_MS);
  }

  /** Writes pending changes now (tests, deactivation). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pending = this.shared.save(this.store.toJSON());
    }
    await this.pending;
  }

  dispose(): void {
    void this.flush();
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}
