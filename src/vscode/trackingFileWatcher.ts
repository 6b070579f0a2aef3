import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseTrackingFileLines, type TrackingEntry } from '../core/idExtraction';
import type { SessionSeed } from '../core/sessions';
import type { Integration } from './credentials';
import type { Services } from './services';
import { trackIds } from './tracking';

/** workspaceState key: where each tracking file was read up to. */
const OFFSETS_KEY = 'veriff.trackingFileOffsets';
/** Bytes of the file's start remembered to notice that it was replaced by a new file. */
const HEAD_BYTES = 64;

interface ReadPosition {
  /** Bytes consumed (always at a line start). */
  offset: number;
  /** Number of the line at `offset`, 1-based. */
  line: number;
  /** Hex of the file's first bytes (up to HEAD_BYTES) when it was last read. */
  head: string;
}

interface FileState {
  running?: Promise<void>;
  again: boolean;
}

const RESCAN_INTERVAL_MS = 15_000;

/**
 * Watches the tracking file(s) (`veriff.trackingFile`, default any `.veriff-sessions.jsonl` in the
 * workspace) that test suites append one line per created session to, and tracks what is appended:
 * only the bytes after the last read, remembered per file across reloads. Never runs in an
 * untrusted workspace. Imports are automatic, so they are logged, not announced with a popup.
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
  private rescanTimer: ReturnType<typeof setInterval> | undefined;
  private patterns: vscode.RelativePattern[] = [];

  constructor(private readonly services: Services) {}

  /** Starts watching (now if the workspace is trusted, else once it is). */
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
    if (vscode.workspace.isTrusted) {
      this.restart();
    } else {
      this.services.log.info('Tracking file not watched: the workspace is not trusted');
      this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => this.restart()));
    }
  }

  /** Reads what was appended to every tracking file now (a test run just ended); resolves when read. */
  readNow(): Promise<void> {
    if (this.disposed || !this.started) {
      return Promise.resolve();
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
    this.scan = this.findAndRead();
    if (!this.rescanTimer) {
      // File events can be missed (e.g. a file written into a folder created the same moment), so
      // a slow rescan catches up; a file that did not grow costs one stat.
      this.rescanTimer = setInterval(() => {
        this.scan = this.scan.then(() => this.findAndRead());
      }, RESCAN_INTERVAL_MS);
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
    const offsets = this.offsets();
    if (offsets[uri.toString()]) {
      delete offsets[uri.toString()];
      await this.services.context.workspaceState.update(OFFSETS_KEY, offsets);
    }
  }

  private offsets(): Record<string, ReadPosition> {
    const raw = this.services.context.workspaceState.get<unknown>(OFFSETS_KEY);
    return raw && typeof raw === 'object' ? { ...(raw as Record<string, ReadPosition>) } : {};
  }

  private async read(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const where = this.describe(uri);
    const started = performance.now();
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      return; // deleted meanwhile
    }
    const stored = this.offsets()[key];
    let position: ReadPosition = isPosition(stored) ? stored : { offset: 0, line: 1, head: '' };
    if (position.offset > 0) {
      const head = hex(await this.readRange(uri, 0, Math.min(HEAD_BYTES, stat.size)));
      if (stat.size < position.offset) {
        this.services.log.info(`Tracking file ${where} shrank (${stat.size} < ${position.offset} bytes): reading it from the start`);
        position = { offset: 0, line: 1, head: '' };
      } else if (!head.startsWith(position.head)) {
        this.services.log.info(`Tracking file ${where} was replaced: reading it from the start`);
        position = { offset: 0, line: 1, head: '' };
      }
    }
    if (stat.size === position.offset) {
      return;
    }
    const chunk = await this.readRange(uri, position.offset, stat.size);
    const text = new TextDecoder().decode(chunk);
    const parsed = parseTrackingFileLines(text, position.line);
    // parseTrackingFileLines counts bytes of the decoded text; invalid UTF-8 decodes to U+FFFD
    // (3 bytes), so then the offset comes from the raw bytes (the position after the last line break).
    const consumed = text.includes('\uFFFD') ? (parsed.partialLine === undefined ? chunk.length : chunk.lastIndexOf(0x0a) + 1) : parsed.consumedBytes;
    for (const p of parsed.malformed) {
      this.services.log.warn(`Tracking file ${where}:${p.line}: line ignored, ${p.reason}: ${p.text}`);
    }
    for (const p of parsed.warnings) {
      this.services.log.warn(`Tracking file ${where}:${p.line}: ${p.reason}: ${p.text}`);
    }

    if (parsed.entries.length > 0) {
      const tracked = await this.track(uri, parsed.entries);
      if (!tracked) {
        this.waiting.set(key, uri);
        return; // not consumed: read again once credentials are set
      }
    }
    const next: ReadPosition = {
      offset: position.offset + consumed,
      line: parsed.nextLine,
      head: hex(await this.readRange(uri, 0, Math.min(HEAD_BYTES, position.offset + consumed))),
    };
    const offsets = this.offsets();
    offsets[key] = next;
    await this.services.context.workspaceState.update(OFFSETS_KEY, offsets);
    this.services.log.debug(
      `Tracking file ${where}: read ${consumed} bytes to line ${parsed.nextLine - 1} in ${(performance.now() - started).toFixed(0)} ms` +
        (parsed.partialLine !== undefined ? ' (an unfinished last line waits for its line break)' : ''),
    );
  }

  /** Returns false, changing nothing, when there is no integration to track into. */
  private async track(uri: vscode.Uri, entries: TrackingEntry[]): Promise<boolean> {
    const where = this.describe(uri);
    const folderName = path.posix.basename(path.posix.dirname(uri.path));
    const active = this.services.credentials.active();
    const groups = new Map<Integration, SessionSeed[]>();
    for (const entry of entries) {
      const integration = entry.integration !== undefined ? this.services.credentials.find(entry.integration) : active;
      if (!integration) {
        if (entry.integration !== undefined) {
          this.services.log.warn(`Tracking file ${where}:${entry.line}: line ignored, no integration is named "${entry.integration}"`);
          continue;
        }
        this.services.log.warn(`Tracking file ${where}: not read yet, no Veriff integration is set up; it is read once credentials are set`);
        return false;
      }
      let seeds = groups.get(integration);
      if (!seeds) {
        seeds = [];
        groups.set(integration, seeds);
      }
      seeds.push({
        id: entry.id,
        label: entry.label ?? folderName,
        ...(entry.vendorData !== undefined ? { vendorData: entry.vendorData } : {}),
      });
    }
    for (const integration of groups.keys()) {
      const secrets = await this.services.credentials.getSecrets(integration);
      if (!secrets) {
        this.services.log.warn(`Tracking file ${where}: not read yet, integration "${integration.name}" has no credentials`);
        return false;
      }
    }
    for (const [integration, seeds] of groups) {
      await trackIds(this.services, { ids: seeds }, { source: 'trackingFile', label: folderName, integration, notify: 'status' });
    }
    return true;
  }

  private async readRange(uri: vscode.Uri, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) {
      return new Uint8Array(0);
    }
    if (uri.scheme === 'file') {
      const handle = await fs.open(uri.fsPath, 'r');
      try {
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    }
    return (await vscode.workspace.fs.readFile(uri)).subarray(start, end);
  }

  private describe(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, true);
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.rescanTimer);
    for (const d of [...this.watchers, ...this.subscriptions]) {
      d.dispose();
    }
    this.watchers = [];
  }
}

function isPosition(value: unknown): value is ReadPosition {
  const p = value as ReadPosition | undefined;
  return !!p && Number.isInteger(p.offset) && p.offset >= 0 && Number.isInteger(p.line) && p.line >= 1 && typeof p.head === 'string';
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
