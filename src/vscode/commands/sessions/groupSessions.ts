import * as vscode from 'vscode';
import type { Services } from '../../services';
import { settings } from '../../settings';

/** "Group by Run" / "Group by Status" (the view's `...` menu): stored in the `veriff.groupBy` setting. */
export async function groupSessions(services: Services, by: 'run' | 'status'): Promise<'run' | 'status'> {
  if (settings.groupBy() !== by) {
    await vscode.workspace.getConfiguration('veriff').update('groupBy', by, vscode.ConfigurationTarget.Global);
    services.log.info(`Sessions view grouped by ${by}`);
  }
  return by;
}
