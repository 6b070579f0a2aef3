import * as vscode from 'vscode';
import { registerCommands } from './vscode/commands/registerCommands';
import { VeriffLog } from './vscode/log';
import type { Services } from './vscode/services';

export interface VeriffTestSessionsApi {
  readonly version: 1;
}

export function activate(context: vscode.ExtensionContext): VeriffTestSessionsApi {
  const log = new VeriffLog();
  const services: Services = { context, log };
  context.subscriptions.push(log, ...registerCommands(services));
  const tree = vscode.window.createTreeView('veriff.sessions', {
    treeDataProvider: { getChildren: () => [], getTreeItem: (e: vscode.TreeItem) => e },
    canSelectMany: true,
  });
  context.subscriptions.push(tree);
  log.info(`Veriff Test Sessions ${context.extension.packageJSON.version} activated on VS Code ${vscode.version}`);
  return { version: 1 };
}

export function deactivate(): void {
  // Disposables registered on the context are released by VS Code.
}
