import * as vscode from 'vscode';
import type { Services } from './services';

/**
 * What a sandbox command does when the local sandbox is not running: says so with a "Start Local
 * Sandbox" button. Shown, not awaited: on the button the sandbox starts and `runAgain` repeats the
 * command; a failure there is logged under `what`.
 */
export function offerToStartSandbox(
  services: Pick<Services, 'ui' | 'log' | 'sandbox'>,
  severity: 'information' | 'warning',
  message: string,
  what: string,
  runAgain: () => Thenable<unknown>,
): void {
  const start = vscode.l10n.t('Start Local Sandbox');
  const shown = severity === 'warning' ? services.ui.showWarningMessage(message, start) : services.ui.showInformationMessage(message, start);
  void shown
    .then(async (choice) => {
      if (choice === start) {
        await services.sandbox.start();
        await runAgain();
      }
    })
    .then(undefined, (err: unknown) => services.log.error(`${what}: ${err instanceof Error ? err.message : String(err)}`));
}
