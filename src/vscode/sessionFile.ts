import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { isRecord } from '../core/stateIssues';

export const SESSIONS_FILE_NAME = 'sessions.json';

/** What reading the sessions file found. */
export type SessionFileRead = { kind: 'missing' } | { kind: 'read'; json: unknown } | { kind: 'corrupt'; reason: string };

/**
 * The tracked sessions as one JSON file in the extension's global storage folder. Writes are
 * atomic (a `.tmp` file renamed over the old one), so a reader in another window never sees half
 * a file. A file that cannot be read is set aside as `sessions.json.corrupt-<time>`, never deleted.
 */
export class SessionFile {
  readonly uri: vscode.Uri;
  private readonly tmpUri: vscode.Uri;

  constructor(private readonly folder: vscode.Uri) {
    this.uri = vscode.Uri.joinPath(folder, SESSIONS_FILE_NAME);
    this.tmpUri = vscode.Uri.joinPath(folder, `${SESSIONS_FILE_NAME}.tmp`);
  }

  /** Whether the folder is on local disk, where synchronous reads and writes are possible. */
  get onDisk(): boolean {
    return this.folder.scheme === 'file';
  }

  readSync(): SessionFileRead {
    let text: string;
    try {
      text = fs.readFileSync(this.uri.fsPath, 'utf8');
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { kind: 'missing' } : { kind: 'corrupt', reason: message(err) };
    }
    return parse(text);
  }

  async read(): Promise<SessionFileRead> {
    let bytes: Uint8Array;
    try {
      bytes = await vscode.workspace.fs.readFile(this.uri);
    } catch (err) {
      return err instanceof vscode.FileSystemError && err.code === 'FileNotFound' ? { kind: 'missing' } : { kind: 'corrupt', reason: message(err) };
    }
    return parse(new TextDecoder().decode(bytes));
  }

  async write(text: string): Promise<void> {
    await vscode.workspace.fs.createDirectory(this.folder);
    await vscode.workspace.fs.writeFile(this.tmpUri, new TextEncoder().encode(text));
    await vscode.workspace.fs.rename(this.tmpUri, this.uri, { overwrite: true });
  }

  /** For shutdown, when an asynchronous write may never finish; only when `onDisk`. */
  writeSync(text: string): void {
    fs.mkdirSync(this.folder.fsPath, { recursive: true });
    fs.writeFileSync(this.tmpUri.fsPath, text);
    fs.renameSync(this.tmpUri.fsPath, this.uri.fsPath);
  }

  /** Renames the unreadable file out of the way; returns its new name (undefined when that failed too). */
  async setAside(): Promise<vscode.Uri | undefined> {
    const target = vscode.Uri.joinPath(this.folder, `${SESSIONS_FILE_NAME}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    try {
      if (this.onDisk) {
        fs.renameSync(this.uri.fsPath, target.fsPath);
      } else {
        await vscode.workspace.fs.rename(this.uri, target, { overwrite: false });
      }
      return target;
    } catch {
      return undefined;
    }
  }
}

function parse(text: string): SessionFileRead {
  try {
    const json: unknown = JSON.parse(text);
    return isRecord(json) ? { kind: 'read', json } : { kind: 'corrupt', reason: 'not a JSON object' };
  } catch (err) {
    return { kind: 'corrupt', reason: message(err) };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
