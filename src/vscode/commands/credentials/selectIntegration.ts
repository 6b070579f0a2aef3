import * as vscode from 'vscode';
import { answered } from '../../prompts';
import type { Services } from '../../services';

/** "Veriff: Switch Integration": by name/id argument, or a quick pick. */
export async function selectIntegration(services: Services, nameOrId?: unknown): Promise<string | undefined> {
  const list = services.credentials.list();
  if (list.length === 0) {
    const set = vscode.l10n.t('Set API Credentials');
    void services.ui
      .showInformationMessage(vscode.l10n.t('No Veriff integration is set up yet.'), set)
      .then((choice) => choice === set && vscode.commands.executeCommand('veriff.setCredentials'));
    return undefined;
  }
  let target = typeof nameOrId === 'string' ? services.credentials.find(nameOrId) : undefined;
  if (typeof nameOrId === 'string' && !target) {
    void services.ui.showErrorMessage(vscode.l10n.t('No Veriff integration is named {0}.', nameOrId));
    return undefined;
  }
  if (!target) {
    const active = services.credentials.active();
    const picked = await answered(
      services.ui.showQuickPick(
        list.map((i) => ({ label: i.name, description: i.apiUrl, detail: i.id === active?.id ? vscode.l10n.t('Active') : undefined, integration: i })),
        { title: vscode.l10n.t('Veriff: Switch Integration'), placeHolder: vscode.l10n.t('The integration to work with') },
      ),
    );
    target = picked.integration;
  }
  await services.credentials.setActive(target.id);
  services.log.info(`Active integration: "${target.name}" (${target.apiUrl})`);
  return target.name;
}
