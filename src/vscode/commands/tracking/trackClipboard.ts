import * as vscode from 'vscode';
import type { AddResult } from '../../../core/sessions';
import type { Services } from '../../services';
import { trackIds } from '../../tracking';

/** "Veriff: Track Sessions from Clipboard". */
export async function trackClipboard(services: Services): Promise<AddResult | undefined> {
  const text = await vscode.env.clipboard.readText();
  return trackIds(services, { text }, { source: 'clipboard', from: vscode.l10n.t('the clipboard') });
}
