import { systemClock, type Clock } from '../core/clock';
import * as vscode from 'vscode';
import { SessionStore, type SessionStoreChange } from '../core/sessions';
import { SaveChain } from './budget/saveChain';
import type { VeriffLog } from './log';
import { serialisedGlobalState } from './serialisedMemento';
import { SessionFile, type SessionFileRead } from './sessionFile';
import { WindowSignal } from './windowSignal';

const SAVE_DELAY_MS = 150;
/** Where earlier versions kept the tracked sessions: moved to the file on the first start. */
export const LEGACY_SESSIONS_STATE_KEY = 'veriff.sessions';
export const SESSIONS_SIGNAL_KEY = 'veriff.signal.sessions';

/** The parts of the extension context the repository uses. */
export type SessionRepositoryContext = Pick<vscode.ExtensionContext, 'globalStorageUri' | 'globalState' | 'secrets'>;

/**
 * The tracked-session store, persisted in `sessions.json` in the extension's global storage
 * folder (so it survives reloads) and kept in step with other windows: each save sends a
 * WindowSignal and the other windows read the file again. Not in globalState: VS Code keeps that as
 * one object per extension and sends all of it on every update, and another window's update can
 * undo ours (see serialisedMemento.ts); 10,000 sessions are close to a megabyte.
 * Saves are debounced so a burst of changes (an import of 10,000 ids, a refresh of many statuses)
 * is written once, and written one at a time, each with the latest state.
 */
export class SessionRepository implements vscode.Disposable {
  readonly store: SessionStore;
  readonly file: SessionFile;
  private readonly signal: WindowSignal;
  private readonly saves: SaveChain;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private adopting = false;
  /** Local changes so far, and how many of them the latest started write holds. */
  private changes = 0;
  private savedChanges = 0;
  /** Resolves once the file was read (at once when the storage folder is on disk). */
  private readonly loaded: Promise<void>;
  /** Resolves once the sessions of an earlier version were moved out of global state. */
  private readonly migrated: Promise<void>;
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires when another window saved its sessions (before they are read here). */
  readonly onDidSaveElsewhere: vscode.Event<void>;

  constructor(
    private readonly context: SessionRepositoryContext,
    private readonly log: VeriffLog,
    clock: Clock = systemClock,
  ) {
    this.file = new SessionFile(context.globalStorageUri);
    this.signal = new WindowSignal(context.secrets, SESSIONS_SIGNAL_KEY);
    this.onDidSaveElsewhere = this.signal.onDidSignalElsewhere;
    this.saves = new SaveChain(
      () => this.write(),
      (err) => log.error(`Saving the tracked sessions to ${this.file.uri.fsPath} failed: ${message(err)}`),
    );
    const legacy = serialisedGlobalState(context.globalState).get<unknown>(LEGACY_SESSIONS_STATE_KEY);
    let initial: unknown;
    /** What the file held: the old copy in global state is moved when there is none, dropped when there is one. */
    let found: Promise<SessionFileRead['kind']>;
    if (this.file.onDisk) {
      const read = this.file.readSync();
      initial = read.kind === 'missing' && legacy !== undefined ? legacy : this.accept(read);
      found = Promise.resolve(read.kind);
      this.loaded = Promise.resolve();
    } else {
      // Not on disk (a remote or virtual storage folder): read asynchronously, then adopt it.
      found = this.file.read().then((read) => {
        const json = read.kind === 'missing' && legacy !== undefined ? legacy : this.accept(read);
        if (json !== undefined) {
          this.adopt(json);
        }
        return read.kind;
      });
      this.loaded = found.then(() => undefined);
    }
    this.store = SessionStore.fromJSON(initial ?? { version: 1, integrations: [] }, (m) => log.warn(`Stored sessions: ${m}`), {
      clock,
      onListenerError: (err) => log.error(`Session change listener failed: ${message(err)}`),
    });
    this.migrated = legacy === undefined ? Promise.resolve() : found.then((kind) => this.moveOutOfGlobalState(kind));
    const sub = this.store.onDidChange((change: SessionStoreChange) => {
      if (!this.adopting && change.kind !== 'replaced') {
        this.changes++;
        this.scheduleSave();
      }
    });
    this.disposables.push(
      this.signal,
      { dispose: () => sub.dispose() },
      this.signal.onDidSignalElsewhere(() => void this.readElsewhereSaved()),
    );
  }

  /** The JSON read, or undefined (missing or corrupt: a corrupt file is set aside with a warning). */
  private accept(read: SessionFileRead): unknown {
    if (read.kind === 'read') {
      return read.json;
    }
    if (read.kind === 'corrupt') {
      const setAside = this.file.setAside();
      void setAside.then((to) =>
        this.log.warn(
          `Stored sessions: ${this.file.uri.fsPath} could not be read (${read.reason}); starting with no tracked sessions. ${to ? `The file was kept as ${to.fsPath}` : 'The file could not be renamed'}`,
        ),
      );
    }
    return undefined;
  }

  private adopt(json: unknown): void {
    this.adopting = true;
    try {
      this.store.replaceFrom(json, (m) => this.log.warn(`Stored sessions: ${m}`));
    } finally {
      this.adopting = false;
    }
  }

  /** Writes the sessions an earlier version kept in global state to the file (unless it exists), then removes them there. */
  private async moveOutOfGlobalState(found: SessionFileRead['kind']): Promise<void> {
    if (found === 'corrupt') {
      return; // keep the old copy: the file's content is unknown
    }
    const moving = found === 'missing';
    if (moving) {
      this.changes++;
      await this.saves.request();
      if (this.savedChanges === 0) {
        return; // not written (logged): keep them in global state
      }
    }
    try {
      await serialisedGlobalState(this.context.globalState).update(LEGACY_SESSIONS_STATE_KEY, undefined);
      this.log.info(
        moving
          ? `Tracked sessions moved from global state to ${this.file.uri.fsPath} (${this.store.size()} sessions)`
          : `Tracked sessions: removed the old copy in global state (${this.file.uri.fsPath} is used)`,
      );
    } catch (err) {
      this.log.warn(`Tracked sessions: could not remove the old copy in global state: ${message(err)}`);
    }
  }

  /** Another window saved: take its file. */
  private async readElsewhereSaved(): Promise<void> {
    await this.loaded;
    const read = await this.file.read();
    if (read.kind === 'read') {
      this.adopting = true;
      try {
        this.store.replaceFrom(read.json, (m) => this.log.warn(`Sessions from another window: ${m}`));
      } finally {
        this.adopting = false;
      }
    } else if (read.kind === 'corrupt') {
      this.log.warn(`Sessions from another window: ${this.file.uri.fsPath} could not be read (${read.reason}); kept this window's`);
    }
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
    await this.loaded;
    const changes = this.changes;
    const text = JSON.stringify(this.store.toJSON());
    await this.file.write(text);
    this.savedChanges = Math.max(this.savedChanges, changes);
    await this.signal.send();
  }

  /** Writes pending changes now (tests, deactivation). */
  async flush(): Promise<void> {
    await this.loaded;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
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
    if (this.changes > this.savedChanges) {
      if (this.file.onDisk) {
        try {
          this.file.writeSync(JSON.stringify(this.store.toJSON()));
          this.savedChanges = this.changes;
          void this.signal.send();
        } catch (err) {
          try {
            this.log.error(`Saving the tracked sessions to ${this.file.uri.fsPath} failed: ${message(err)}`);
          } catch {
            // The log channel may already be gone at shutdown.
          }
        }
      } else {
        void this.saves.request();
      }
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
