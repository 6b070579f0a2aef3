import * as vscode from 'vscode';
import { answered } from '../../prompts';
import type { Services } from '../../services';

/**
 * "Veriff: Remove API Credentials": deletes an integration's key and secret from SecretStorage.
 * Returns whether they were removed (the registration answers false, too, when the user cancelled).
 */
export async function removeCredentials(services: Services, nameOrId?: unknown): Promise<boolean> {
  const list = services.credentials.list();
  let target = typeof nameOrId === 'string' ? services.credentials.find(nameOrId) : undefined;
  if (typeof nameOrId === 'string' && !target) {
    void services.ui.showErrorMessage(vscode.l10n.t('No Veriff integration is named {0}.', nameOrId));
    return false;
  }
  if (!target) {
    if (list.length === 0) {
      void services.ui.showInformationMessage(vscode.l10n.t('No Veriff credentials are stored.'));
      return false;
    }
    const picked = await answered(
      services.ui.showQuickPick(
        list.map((i) => ({ label: i.name, description: i.apiUrl, integration: i })),
        { title: vscode.l10n.t('Veriff: Remove API Credentials'), placeHolder: vscode.l10n.t('The integration whose credentials to remove') },
      ),
    );
    const remove = vscode.l10n.t('Remove');
    const answer = await services.ui.confirm(
      vscode.l10n.t('Remove the credentials of "{0}"?', picked.integration.name),
      vscode.l10n.t('The API key and shared secret are deleted from VS Code\'s secret storage. Tracked sessions stay.'),
      remove,
    );
    if (answer !== remove) {
      return false;
    }
    target = picked.integration;
  }
  await services.credentials.remove(target.id);
  services.log.info(`Credentials removed for integration "${target.name}"`);
  services.ui.showStatusMessage(vscode.l10n.t('$(pass) Veriff credentials of "{0}" removed.', target.name));
  return true;
}
