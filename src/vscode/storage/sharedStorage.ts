import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Clock } from '../../core/clock';
import { SharedStore, type StoreRecovery } from '../../core/store/sharedStore';
import type { StoreFileKind } from '../../core/store/storeFiles';
import type { VeriffLog } from '../log';
import type { UserInput } from '../userInput';

const WHAT: Record<StoreFileKind, string> = {
  sessions: 'tracked sessions',
  budget: 'delete budget',
  queue: 'delete queue',
  lease: 'delete queue lease',
};

/**
 * The store shared by all windows, in the extension's global storage folder. With
 * `extensionKind: ["workspace"]` that folder is on the machine the extension runs on (the remote
 * one in remote development), always a local path of that machine.
 */
export function openSharedStore(folder: vscode.Uri, log: VeriffLog, ui: Pick<UserInput, 'showWarningMessage'>, clock: Clock | (() => Clock)): SharedStore {
  if (folder.scheme !== 'file') {
    log.warn(`Global storage is not a local folder (${folder.toString()}); the shared store uses ${folder.fsPath}`);
  }
  const told = new Set<string>();
  log.info(`Shared state (tracked sessions, delete budget, queue) in ${folder.fsPath}`);
  return new SharedStore(folder.fsPath, {
    clock,
    onRecovered: (r) => {
      log.warn(recoveryLine(r));
      // Once per file and window; the lease is rebuilt by itself, so not worth a notification.
      if (r.kind !== 'lease' && !told.has(r.file)) {
        told.add(r.file);
        const showLog = vscode.l10n.t('Show Log');
        const name = path.basename(r.file);
        const text =
          r.from === 'backup'
            ? vscode.l10n.t('A damaged state file was recovered from its last-good copy: {0}', name)
            : vscode.l10n.t('A damaged state file had no usable copy and starts empty; the damaged file is kept: {0}', name);
        // Not awaited: a notification's promise stays pending until it is dismissed.
        void ui.showWarningMessage(text, showLog).then((choice) => {
          if (choice === showLog) {
            void vscode.commands.executeCommand('veriff.showLog');
          }
        });
      }
    },
    onWarning: (m) => log.warn(m),
  }).watch();
}

function recoveryLine(r: StoreRecovery): string {
  const what = WHAT[r.kind];
  const head = `Stored ${what}: ${r.file} could not be read (${r.reason})`;
  const body =
    r.from === 'backup'
      ? `; recovered from the last-good copy ${r.file}.bak`
      : `; there is no usable last-good copy, starting with no ${what}`;
  return `${head}${body}.${r.keptAs ? ` The damaged file was kept as ${r.keptAs}` : ''}`;
}
