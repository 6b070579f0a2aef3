import * as vscode from 'vscode';
import { loadTrackingPart } from './loadTrackingPart';
import type { Services } from './services';

/** workspaceState key: where each tracking file was read up to. */
const OFFSETS_KEY = 'veriff.trackingFileOffsets';

interface FileState {
  running?: Promise<void>;
  again: boolean;
}

/** How often the known tracking files are stat'ed, in case a file-system event was missed. */
const POLL_INTERVAL_MS = 5_000;
/** A new file watcher delivers events only once it is set up (remote: on the server); files created meanwhile are found by one more search then. */
const WATCHER_SETTLE_MS = 3_000;

/**
 * Watches the tracking file(s) (`veriff.trackingFile`, default any `.veriff-sessions.jsonl` in the
 * workspace) that test suites append one line per created session to, and tracks what is appended:
 * only the bytes after the last read, remembered per file across reloads. The workspace is searched
 * for them only when watching (re)starts; then file-system events and a periodic stat of the files
 * known so far (one `stat` each, no search) notice changes. Never runs in an untrusted workspace.
 * Imports are automatic, so they are logged, not announced with a popup.
 */
export class TrackingFileWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly files = new Map<string, FileState>();
  /** Files left unread because no integration was set up; read again when credentials change. */
  private readonly waiting = new Map<string, vscode.Uri>();
  private started = false;
  private disposed = false;
  private scan: Promise<void> = Promise.resolve();
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private polling = false;
  /** Tracking files found or reported by events since the last (re)start, with their last stat (size and mtime). */
  private readonly known = new Map<string, { uri: vscode.Uri; stat?: string }>();
  private patterns: vscode.RelativePattern[] = [];

  constructor(private readonly services: Services) {}

  /**
   * Starts watching (if the workspace is trusted, else once it is) right after activation: the
   * workspace search and the watchers' set-up cost more than the rest of activation and nothing
   * needs them before it returns. `readNow` and `whenScanned` wait for that first scan.
   */
  start(): void {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.trackingFile')) {
          this.restart();
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()),
      this.services.credentials.onDidChange(() => this.retryWaiting()),
    );
    const firstTick: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      if (vscode.workspace.isTrusted) {
        this.restart(); // sets this.scan to the first search, unless disposed meanwhile
      } else if (!this.disposed) {
        this.services.log.info('Tracking file not watched: the workspace is not trusted');
        this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()));
      }
      // Never this promise itself: a promise resolved with itself rejects ("chaining cycle").
      return this.scan === firstTick ? undefined : this.scan;
    });
    this.scan = firstTick;
  }

  /** Reads what was appended to every tracking file now (a test run just ended); resolves when read. */
  readNow(): Promise<void> {
    if (this.disposed || !this.started) {
      return this.disposed ? Promise.resolve() : this.scan; // before the first scan: that scan reads everything
    }
    this.scan = this.scan.then(() => this.findAndRead());
    return this.scan;
  }

  /** Resolves when the files found by the last (re)start have been read. */
  whenScanned(): Promise<void> {
    return this.scan;
  }

  /** Reads what was appended to a tracking file since the last read. Serialised per file. */
  readAppended(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    if (!this.known.has(key)) {
      this.known.set(key, { uri });
    }
    let state = this.files.get(key);
    if (!state) {
      state = { again: false };
      this.files.set(key, state);
    }
    if (state.running) {
      state.again = true;
      return state.running;
    }
    const s = state;
    s.running = (async () => {
      do {
        s.again = false;
        try {
          await this.read(uri);
        } catch (err) {
          this.services.log.error(`Tracking file ${this.describe(uri)}: ${err instanceof Error ? err.message : String(err)}`);
        }
      } while (s.again && !this.disposed);
      s.running = undefined;
    })();
    return s.running;
  }

  private restart(): void {
    if (this.disposed || !vscode.workspace.isTrusted) {
      return;
    }
    for (const w of this.watchers) {
      w.dispose();
    }
    this.watchers = [];
    const patterns: vscode.RelativePattern[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const glob = vscode.workspace.getConfiguration('veriff', folder.uri).get<string>('trackingFile', '**/.veriff-sessions.jsonl').trim();
      if (glob === '') {
        continue;
      }
      const pattern = new vscode.RelativePattern(folder, glob);
      const watcher = vscode.workspace.createFileSystemWatcher(pattern);
      this.watchers.push(
        watcher,
        watcher.onDidCreate((uri) => void this.readAppended(uri)),
        watcher.onDidChange((uri) => void this.readAppended(uri)),
        watcher.onDidDelete((uri) => void this.forget(uri)),
      );
      patterns.push(pattern);
      if (!this.started) {
        this.services.log.info(`Watching tracking files ${glob} in ${folder.name}`);
      }
    }
    this.started = true;
    this.patterns = patterns;
    this.known.clear();
    this.scan = this.findAndRead();
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.scan = this.scan.then(() => this.findAndRead());
    }, WATCHER_SETTLE_MS);
    if (!this.pollTimer) {
      // File events can be missed (a busy watcher, a network drive): a stat of each known file
      // catches up. Never a workspace search: that costs as much as the workspace is large.
      this.pollTimer = setInterval(() => void this.pollKnown(), POLL_INTERVAL_MS);
    }
  }

  /** Reads the known files whose size or modification time changed since the last poll. */
  private async pollKnown(): Promise<void> {
    if (this.polling || this.disposed) {
      return;
    }
    this.polling = true;
    try {
      for (const entry of [...this.known.values()]) {
        let stat: vscode.FileStat;
        try {
          stat = await vscode.workspace.fs.stat(entry.uri);
        } catch {
          continue; // gone: its delete event forgets it
        }
        const seen = `${stat.size}:${stat.mtime}`;
        // The first poll of a file reads it once more (cheap when nothing was appended): a change
        // between its first read and this stat would otherwise wait for the next one.
        const changed = entry.stat !== seen;
        entry.stat = seen;
        if (changed) {
          await this.readAppended(entry.uri);
        }
      }
    } finally {
      this.polling = false;
    }
  }

  private findAndRead(): Promise<void> {
    if (this.disposed) {
      return Promise.resolve();
    }
    return Promise.all(this.patterns.map((p) => vscode.workspace.findFiles(p, '**/node_modules/**'))).then(
      async (lists) => {
        await Promise.all(lists.flat().map((uri) => this.readAppended(uri)));
      },
      (err: unknown) => this.services.log.error(`Looking for tracking files failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private retryWaiting(): void {
    const uris = [...this.waiting.values()];
    this.waiting.clear();
    for (const uri of uris) {
      void this.readAppended(uri);
    }
  }

  private async forget(uri: vscode.Uri): Promise<void> {
    this.known.delete(uri.toString());
    const offsets = this.offsets();
    if (offsets[uri.toString()]) {
      delete offsets[uri.toString()];
      await this.services.context.workspaceState.update(OFFSETS_KEY, offsets);
    }
  }

  private offsets(): Record<string, unknown> {
    const raw = this.services.context.workspaceState.get<unknown>(OFFSETS_KEY);
    return raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  }

  private async read(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const result = await loadTrackingPart().importAppended(this.services, uri, this.describe(uri), this.offsets()[key]);
    if (result.kind === 'waiting') {
      this.waiting.set(key, uri); // not consumed: read again once credentials are set
    } else if (result.kind === 'read') {
      const offsets = this.offsets();
      offsets[key] = result.position;
      await this.services.context.workspaceState.update(OFFSETS_KEY, offsets);
    }
  }

  private describe(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, true);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.settleTimer);
    for (const d of [...this.watchers, ...this.subscriptions]) {
      d.dispose();
    }
    this.watchers = [];
  }
}
