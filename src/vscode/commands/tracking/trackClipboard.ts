import * as vscode from 'vscode';
import type { AddResult } from '../../../core/sessions';
import { guard } from '../../failures';
import type { Services } from '../../services';
import { trackIds } from '../../tracking';

/** "Veriff: Track Sessions from Clipboard". */
export async function trackClipboard(services: Services): Promise<AddResult | undefined> {
  return guard(services, vscode.l10n.t('Tracking sessions from the clipboard'), async () => {
    const text = await vscode.env.clipboard.readText();
    return trackIds(services, { text }, { source: 'clipboard', from: vscode.l10n.t('the clipboard') });
  });
}
