import * as vscode from 'vscode';
import type { Services } from '../../services';
import { resolveSessionArgs } from '../../sessionArgs';

/** "Copy Session ID" (tree rows): the full id(s) of the clicked row or the selection, one per line. */
export async function copySessionId(services: Services, arg?: unknown, selected?: unknown): Promise<string | undefined> {
  const { refs } = resolveSessionArgs(services, arg, selected);
  if (refs.length === 0) {
    void services.ui.showInformationMessage(vscode.l10n.t('Select a session in the Veriff sessions view to copy its id.'));
    return undefined;
  }
  const text = refs.map((r) => r.id).join('\n');
  await vscode.env.clipboard.writeText(text);
  services.ui.showStatusMessage(
    refs.length === 1 ? vscode.l10n.t('$(copy) Copied session id {0}', refs[0].id) : vscode.l10n.t('$(copy) Copied {0} session ids', refs.length),
  );
  return text;
}
