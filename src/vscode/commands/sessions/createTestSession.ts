import * as vscode from 'vscode';
import { isOpenableVerificationUrl } from '../../../core/verificationUrl';
import { MAX_VENDOR_DATA_LENGTH } from '../../../core/veriffLimits';
import { showFailure } from '../../failures';
import { describeFailure } from '../../failureText';
import { answered } from '../../prompts';
import type { Services } from '../../services';
import { refuseWithoutCredentials, trackIds } from '../../tracking';

export interface CreateTestSessionArgs {
  vendorData?: string;
  label?: string;
}

/**
 * "Veriff: Create Test Session": POST /v1/sessions on the active integration, then tracks the new
 * session and offers its verification page. With an argument object it does not prompt.
 * Returns the new session's id.
 */
export async function createTestSession(services: Services, args?: CreateTestSessionArgs): Promise<string | undefined> {
  const connection = await services.access.connect();
  if (!connection) {
    void refuseWithoutCredentials(services);
    return undefined;
  }
  let vendorData: string | undefined;
  if (args && typeof args === 'object') {
    vendorData = typeof args.vendorData === 'string' && args.vendorData !== '' ? args.vendorData : undefined;
  } else {
    const typed = await answered(services.ui.showInputBox({
      title: vscode.l10n.t('Veriff: Create Test Session on "{0}"', connection.integration.name),
      prompt: vscode.l10n.t('vendorData for the new session (optional; your own reference, at most 1000 characters; no personal data)'),
      ignoreFocusOut: true,
      validateInput: (value) =>
        value.length > MAX_VENDOR_DATA_LENGTH ? vscode.l10n.t('vendorData must be at most {0} characters.', MAX_VENDOR_DATA_LENGTH) : undefined,
    }));
    vendorData = typed === '' ? undefined : typed;
  }
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Creating a Veriff session…') },
    () => connection.client.createSession(vendorData !== undefined ? { vendorData } : {}),
  );
  if (outcome.kind !== 'ok') {
    const failure = describeFailure(outcome);
    void showFailure(services, vscode.l10n.t('The test session was not created. {0}', failure.text), { credentialsFix: failure.credentialsFix });
    return undefined;
  }
  const created = outcome.value;
  const integration = connection.integration;
  const label = typeof args?.label === 'string' ? args.label : undefined;
  const result = await trackIds(
    services,
    { ids: [{ id: created.id, ...(vendorData !== undefined ? { vendorData } : {}) }] },
    { source: 'created', label, integration, notify: 'none' },
  );
  if (result && result.added.length + result.alreadyTracked.length > 0) {
    services.sessions.store.updateStatus(integration.id, created.id, 'created');
  }
  services.log.info(`Created session ${created.id} on "${integration.name}" (signature: ${outcome.signature})`);
  const open = vscode.l10n.t('Open Verification Page');
  const copy = vscode.l10n.t('Copy URL');
  const openable = isOpenableVerificationUrl(created.url);
  if (!openable) {
    services.log.warn(`Created session ${created.id}: its verification URL is not https (or loopback http), so it is not offered to open`);
  }
  void services.ui
    .showInformationMessage(vscode.l10n.t('Test session created and tracked: {0}', created.id), ...(openable ? [open, copy] : [copy]))
    .then(async (choice) => {
      if (choice === open && openable) {
        await vscode.env.openExternal(vscode.Uri.parse(created.url));
      } else if (choice === copy) {
        await vscode.env.clipboard.writeText(created.url);
      }
    })
    .then(undefined, (err: unknown) => services.log.error(`Verification page: ${err instanceof Error ? err.message : String(err)}`));
  return created.id;
}
