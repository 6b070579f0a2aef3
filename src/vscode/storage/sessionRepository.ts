import * as path from 'node:path';
import * as vscode from 'vscode';
import { systemClock, type Clock } from '../../core/clock';
import type { SessionStoreChange } from '../../core/sessions';
import type { SessionStore } from '../../core/store/sessionStore';
import { JournaledSessionStore } from '../../core/store/journaledSessionStore';
import { SESSIONS_FILE, SessionsDocument } from '../../core/store/sessionsDocument';
import type { SharedStore } from '../../core/store/sharedStore';
import { SaveChain } from './saveChain';
import type { VeriffLog } from '../log';
import { serialisedGlobalState } from './serialisedMemento';
import { openSharedStore } from './sharedStorage';
import { vscodeWarnings, type UserInput } from '../userInput';

const SAVE_DELAY_MS = 100;
/** Where early versions kept the tracked sessions: merged into the shared file on the first start. */
export const LEGACY_SESSIONS_STATE_KEY = 'veriff.sessions';

/** The parts of the extension context the repository uses. */
export type SessionRepositoryContext = Pick<vscode.ExtensionContext, 'globalStorageUri' | 'globalState'>;

export interface SessionRepositoryOptions {
  /** The store to use (the extension's one, shared with the budget); otherwise one is opened in globalStorageUri. */
  shared?: SharedStore;
  /** Where the warning about a recovered file goes. */
  ui?: Pick<UserInput, 'showWarningMessage'>;
}

/**
 * The tracked sessions, in `sessions.json` of the shared store (global storage folder), the same
 * for every window. Each window keeps a SessionStore for the commands and the tree, and writes
 * what changes in it as operations (add, remove, a status, an error), debounced and under the
 * store's lock, applied to what the file holds then: no window writes its whole list. When
 * another window writes, the file is read again and shown with this window's unwritten changes
 * on top.
 */
export class SessionRepository implements vscode.Disposable {
  readonly store: SessionStore;
  readonly shared: SharedStore;
  private readonly journal: JournaledSessionStore;
  private readonly ownsShared: boolean;
  private readonly saves: SaveChain;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private repairPending = false;
  /** Resolves once the sessions of an early version were merged out of global state. */
  private readonly migrated: Promise<void>;
  private readonly disposables: Array<{ dispose(): void }> = [];
  private readonly savedElsewhere = new vscode.EventEmitter<void>();
  /** Fires after this window showed the sessions another window saved. */
  readonly onDidSaveElsewhere = this.savedElsewhere.event;

  constructor(
    context: SessionRepositoryContext,
    private readonly log: VeriffLog,
    clock: Clock = systemClock,
    options: SessionRepositoryOptions = {},
  ) {
    this.ownsShared = options.shared === undefined;
    this.shared = options.shared ?? openSharedStore(context.globalStorageUri, log, options.ui ?? vscodeWarnings, clock);
    this.journal = new JournaledSessionStore(clock, {
      onListenerError: (err) => log.error(`Session change listener failed: ${message(err)}`),
    });
    this.store = this.journal;
    this.saves = new SaveChain(
      () => this.write(),
      (err) => log.error(`Saving the tracked sessions to ${this.filePath} failed: ${message(err)}`),
    );

    const legacyState = serialisedGlobalState(context.globalState);
    const legacy = legacyState.get<unknown>(LEGACY_SESSIONS_STATE_KEY);
    const doc = this.shared.readSessions();
    if (legacy !== undefined) {
      // Shown at once; written (merged by id, tombstones respected) just below.
      doc.mergeCopy(legacy, (m) => log.warn(`Sessions from global state: ${m}`));
    }
    this.journal.adopt(doc);
    if (this.shared.sessionsDamaged) {
      // Write the recovered sessions now, so the damaged file is set aside and every window reads a good one.
      this.repairPending = true;
      void this.saves.request();
    }
    this.migrated = legacy === undefined ? Promise.resolve() : this.moveOutOfGlobalState(legacy, legacyState);

    const sub = this.journal.onDidChange((change: SessionStoreChange) => {
      if (change.kind !== 'replaced') {
        this.scheduleSave();
      }
    });
    this.disposables.push(
      sub,
      this.shared.onDidChange((c) => {
        if (c.kind === 'sessions' && c.origin === 'elsewhere') {
          this.showElsewhereSaved();
        }
      }),
      this.savedElsewhere,
    );
  }

  get filePath(): string {
    return path.join(this.shared.dir, SESSIONS_FILE);
  }

  /** Merges the sessions of an early version into the file, then removes them from global state. */
  private async moveOutOfGlobalState(legacy: unknown, state: ReturnType<typeof serialisedGlobalState>): Promise<void> {
    try {
      const merged = await this.shared.mergeSessionsCopy(legacy);
      await state.update(LEGACY_SESSIONS_STATE_KEY, undefined);
      this.log.info(
        `Tracked sessions moved from global state to ${this.filePath} (${merged.added} added` +
          (merged.keptRemoved > 0 ? `, ${merged.keptRemoved} removed since stay removed` : '') +
          ')',
      );
      this.showFile();
    } catch (err) {
      this.log.warn(`Tracked sessions: could not move the copy in global state to ${this.filePath}; it is kept there: ${message(err)}`);
    }
  }

  private showElsewhereSaved(): void {
    this.showFile();
    this.savedElsewhere.fire();
  }

  private showFile(doc: SessionsDocument = this.shared.readSessions()): void {
    this.journal.adopt(doc, (m) => this.log.warn(`Stored sessions: ${m}`));
  }

  private scheduleSave(): void {
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saves.request();
    }, SAVE_DELAY_MS);
  }

  private async write(): Promise<void> {
    const ops = this.journal.beginWrite();
    if (ops.length === 0 && !this.repairPending) {
      this.journal.endWrite(true);
      return;
    }
    this.repairPending = false;
    let doc: SessionsDocument;
    try {
      doc = await this.shared.updateSessions(ops);
    } catch (err) {
      this.journal.endWrite(false);
      throw err;
    }
    this.journal.endWrite(true);
    this.showFile(doc);
  }

  /** Writes pending changes now (tests, deactivation). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.journal.pendingCount > 0) {
      void this.saves.request();
    }
    await this.saves.flush();
    await this.migrated;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.journal.pendingCount > 0) {
      // The window is closing: an asynchronous write may never finish.
      try {
        const ops = this.journal.beginWrite();
        const written = this.shared.updateSessionsSync(ops);
        this.journal.endWrite(written !== undefined);
        if (!written) {
          void this.saves.request();
        }
      } catch (err) {
        this.journal.endWrite(false);
        try {
          this.log.error(`Saving the tracked sessions to ${this.filePath} failed: ${message(err)}`);
        } catch {
          // The log channel may already be gone at shutdown.
        }
      }
    }
    for (const d of this.disposables) {
      d.dispose();
    }
    if (this.ownsShared) {
      this.shared.dispose();
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
