import * as vscode from 'vscode';
import type { Services } from './services';

/**
 * Keeps the `veriff.sessionCount` context key (tracked sessions of the active integration) in step
 * with the store, for `when` clauses such as the "nothing tracked yet" welcome view.
 */
export function trackSessionCountContext(services: Services): vscode.Disposable {
  let last: number | undefined;
  const update = () => {
    const active = services.credentials.active();
    const count = active ? services.sessions.store.size(active.id) : 0;
    if (count !== last) {
      last = count;
      void vscode.commands.executeCommand('setContext', 'veriff.sessionCount', count);
    }
  };
  update();
  const storeSub = services.sessions.store.onDidChange(update);
  const credentialsSub = services.credentials.onDidChange(update);
  return { dispose: () => (storeSub.dispose(), credentialsSub.dispose()) };
}
