import * as vscode from 'vscode';
import type { Services } from '../../services';

/** "Veriff: Stop Local Sandbox": saves its state and frees the port. Returns whether it was running. */
export async function stopSandbox(services: Services): Promise<boolean | undefined> {
  const url = services.sandbox.running?.url;
  const stopped = await services.sandbox.stop();
  services.ui.showStatusMessage(
    stopped && url ? vscode.l10n.t('$(debug-stop) The local Veriff sandbox stopped: {0}', url) : vscode.l10n.t('The local Veriff sandbox is not running.'),
  );
  return stopped;
}
