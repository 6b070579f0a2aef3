import * as fs from 'node:fs';
import * as path from 'node:path';
import { signatureOf } from './jsonFile';

export interface DirectoryWatcherOptions {
  /** The files to report on. */
  isWatched(name: string): boolean;
  /** Told the names whose version differs from the last one known. */
  onChange(names: string[]): void;
  onError?(message: string): void;
  /** Events are gathered this long before the files are compared (a write is several events). */
  debounceMs?: number;
  /** Files are also compared this often: events can be missed (network file systems, a watcher that failed). */
  pollMs?: number;
}

/**
 * Notices other processes' writes in the store's folder: fs.watch on the folder (the files are
 * replaced by rename, so watching a file itself would lose it), debounced, then a cheap signature
 * check (inode, size, times) per file against the last version known, which includes this
 * process's own writes (`know`), so those are not reported back.
 */
export class DirectoryWatcher {
  private readonly known = new Map<string, string | undefined>();
  private watcher: fs.FSWatcher | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private debounceTimer: ReturnType<typeof setTimeout> | undefined;
  private starting: ReturnType<typeof setImmediate> | undefined;
  private disposed = false;

  constructor(
    private readonly dir: string,
    private readonly options: DirectoryWatcherOptions,
  ) {}

  /**
   * Records the current versions (nothing is reported for them) now, and starts watching right
   * after (setImmediate: setting up fs.watch is the slowest part of opening the store, and nothing
   * waits for it). A change in between differs from the recorded version: the first check reports it.
   */
  start(): void {
    for (const name of this.names()) {
      this.known.set(name, signatureOf(path.join(this.dir, name)));
    }
    this.starting = setImmediate(() => {
      this.starting = undefined;
      this.watch();
      this.check();
    });
  }

  private watch(): void {
    try {
      this.watcher = fs.watch(this.dir, { persistent: false }, (_event, name) => {
        if (name === null || this.options.isWatched(name.toString())) {
          this.schedule();
        }
      });
      this.watcher.on('error', (err) => {
        this.options.onError?.(`Watching ${this.dir} failed (${err.message}); checking every ${this.options.pollMs ?? 1000} ms instead`);
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (err) {
      this.options.onError?.(`Watching ${this.dir} failed (${err instanceof Error ? err.message : String(err)}); checking every ${this.options.pollMs ?? 1000} ms instead`);
    }
    this.pollTimer = setInterval(() => this.check(), this.options.pollMs ?? 1000);
    this.pollTimer.unref?.();
  }

  /** This version of the file is known (this process wrote or read it). */
  know(name: string, signature: string | undefined): void {
    this.known.set(name, signature);
  }

  /** Compares every watched file with its last known version now; reports and returns the changed ones. */
  check(): string[] {
    if (this.disposed) {
      return [];
    }
    const changed: string[] = [];
    const names = new Set([...this.names(), ...this.known.keys()]);
    for (const name of names) {
      const signature = signatureOf(path.join(this.dir, name));
      if (signature !== this.known.get(name)) {
        this.known.set(name, signature);
        changed.push(name);
      }
    }
    if (changed.length > 0) {
      this.options.onChange(changed);
    }
    return changed;
  }

  private schedule(): void {
    if (this.debounceTimer || this.disposed) {
      return;
    }
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.check();
    }, this.options.debounceMs ?? 50);
    this.debounceTimer.unref?.();
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => this.options.isWatched(n));
    } catch {
      return [];
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.starting) clearImmediate(this.starting);
    this.watcher?.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
  }
}
