import type * as vscode from 'vscode';
import type { VeriffLog } from './log';

/** What the composition root builds once and hands to every command. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly log: VeriffLog;
}
