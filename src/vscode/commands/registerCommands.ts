import * as vscode from 'vscode';
import type { Services } from '../services';
import { showLog } from './showLog';

/** The one place that wires command ids to their handlers. */
export function registerCommands(services: Services): vscode.Disposable[] {
  const commands: Record<string, (...args: any[]) => unknown> = {
    'veriff.showLog': () => showLog(services),
  };
  return Object.entries(commands).map(([id, handler]) => vscode.commands.registerCommand(id, handler));
}
