import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { SandboxState } from '../../sandbox/sandboxState';
import type { VeriffLog } from '../log';
import { SANDBOX_FILE_NAME } from './sandboxAtStart';
import { toFileSnapshot, withoutPlainKeys } from './sandboxSnapshotFile';

const SAVE_DELAY_MS = 200;

/**
 * Reads and writes the local sandbox's state in the extension's global storage folder
 * (`sandbox.json`). Saves are debounced and written one at a time; the API key and shared secret
 * are replaced by fingerprints.
 */
export class SandboxPersistence {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private source: SandboxState | undefined;

  constructor(
    private readonly storageUri: vscode.Uri,
    private readonly log: VeriffLog,
  ) {}

  get fileUri(): vscode.Uri {
    return vscode.Uri.joinPath(this.storageUri, SANDBOX_FILE_NAME);
  }

  /** The stored JSON, or undefined when there is none or it cannot be read (logged). */
  async load(): Promise<unknown> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.fileUri);
    } catch (err) {
      if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) {
        this.log.warn(`Local sandbox: could not read ${this.fileUri.fsPath}: ${message(err)}`);
      }
      return undefined;
    }
    try {
      return JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      this.log.warn(`Local sandbox: ${this.fileUri.fsPath} is not valid JSON, starting empty: ${message(err)}`);
      return undefined;
    }
  }

  /**
   * Rewrites a sandbox.json of an earlier version, which held the API key in plain text, with
   * only the key's fingerprint (the key itself is in SecretStorage). Nothing else changes.
   */
  async migratePlainKeys(): Promise<void> {
    if (this.source) {
      return; // a running sandbox writes the new form anyway
    }
    const data = await this.load();
    const migrated = data === undefined ? undefined : withoutPlainKeys(data);
    if (!migrated?.changed) {
      return;
    }
    try {
      await vscode.workspace.fs.writeFile(this.fileUri, new TextEncoder().encode(JSON.stringify(migrated.data)));
      this.log.info(`Local sandbox: ${this.fileUri.fsPath} held the API key in plain text; it now holds only its fingerprint (the key stays in SecretStorage)`);
    } catch (err) {
      this.log.error(`Local sandbox: could not rewrite ${this.fileUri.fsPath} without the plain-text API key: ${message(err)}`);
    }
  }

  /** Saves this state shortly after each change (call `flush` to write now). */
  track(state: SandboxState | undefined): void {
    this.source = state;
  }

  scheduleSave(): void {
    if (this.timer || !this.source) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, SAVE_DELAY_MS);
  }

  /** Writes any pending change now and waits for every write to finish. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.write();
    }
    await this.writing;
  }

  /**
   * Writes the tracked state synchronously, for shutdown, when an asynchronous write may never
   * finish. Only for a storage folder on disk (the usual case); elsewhere it starts an async write.
   */
  saveNowSync(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const state = this.source;
    if (!state) {
      return;
    }
    if (this.storageUri.scheme !== 'file') {
      void this.write();
      return;
    }
    try {
      fs.mkdirSync(this.storageUri.fsPath, { recursive: true });
      fs.writeFileSync(this.fileUri.fsPath, JSON.stringify(toFileSnapshot(state.snapshot())));
    } catch (err) {
      try {
        this.log.error(`Local sandbox: could not save its state to ${this.fileUri.fsPath}: ${message(err)}`);
      } catch {
        // The log channel may already be gone at shutdown.
      }
    }
  }

  private write(): Promise<void> {
    const state = this.source;
    if (!state) {
      return this.writing;
    }
    const text = JSON.stringify(toFileSnapshot(state.snapshot()));
    this.writing = this.writing.then(async () => {
      try {
        await vscode.workspace.fs.createDirectory(this.storageUri);
        await vscode.workspace.fs.writeFile(this.fileUri, new TextEncoder().encode(text));
      } catch (err) {
        this.log.error(`Local sandbox: could not save its state to ${this.fileUri.fsPath}: ${message(err)}`);
      }
    });
    return this.writing;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
