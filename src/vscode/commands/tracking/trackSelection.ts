import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AddResult } from '../../../core/sessions';
import type { Services } from '../../services';
import { trackIds } from '../../tracking';

/** "Veriff: Track Sessions in Selection": ids in the selected text, or in the whole document when nothing is selected. */
export async function trackSelection(services: Services): Promise<AddResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void services.ui.showInformationMessage(vscode.l10n.t('Open a file that holds session ids (a test log or report) and select them, then run this again.'));
    return undefined;
  }
  const selected = editor.selections.filter((s) => !s.isEmpty).map((s) => editor.document.getText(s));
  const whole = selected.length === 0;
  const text = whole ? editor.document.getText() : selected.join('\n');
  const doc = editor.document;
  const label = doc.isUntitled ? undefined : path.posix.basename(doc.uri.path);
  return trackIds(services, { text }, {
    source: 'selection',
    label,
    from: whole ? vscode.l10n.t('the document') : vscode.l10n.t('the selection'),
  });
}
