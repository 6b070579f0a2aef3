import * as vscode from 'vscode';
import { parseTypedIds } from '../../../core/idExtraction';
import { defaultLabel, type AddResult } from '../../../core/sessions';
import { answered } from '../../prompts';
import type { Services } from '../../services';
import { refuseWithoutCredentials, trackIds } from '../../tracking';

export interface TrackSessionsOptions {
  label?: string;
}

/**
 * "Veriff: Track Sessions…". With ids as argument (a string with any separators, or an array) it
 * tracks them without prompting; bare, it asks for the ids and a run label.
 */
export async function trackSessions(services: Services, ids?: unknown, options?: TrackSessionsOptions): Promise<AddResult | undefined> {
  const label = typeof options?.label === 'string' ? options.label : undefined;
  if (typeof ids === 'string' || Array.isArray(ids)) {
    const text = typeof ids === 'string' ? ids : ids.map((x) => String(x)).join('\n');
    return trackIds(services, { text, typed: true }, { source: 'typed', label, from: vscode.l10n.t('the given ids') });
  }
  if (!services.credentials.active()) {
    void refuseWithoutCredentials(services);
    return undefined;
  }
  const text = await answered(services.ui.showInputBox({
    title: vscode.l10n.t('Veriff: Track Sessions'),
    prompt: vscode.l10n.t('Session ids to track: one or many, separated by spaces, commas or new lines (URLs holding an id work too)'),
    placeHolder: 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7, …',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (value.trim() === '') {
        return vscode.l10n.t('Enter one or more session ids.');
      }
      const parsed = parseTypedIds(value);
      return parsed.ids.length === 0 ? vscode.l10n.t('No session id (UUID) found in: {0}', value.trim().slice(0, 80)) : undefined;
    },
  }));
  const fallback = defaultLabel(services.clock.now());
  const runLabel = await answered(services.ui.showInputBox({
    title: vscode.l10n.t('Veriff: Track Sessions'),
    prompt: vscode.l10n.t('Run label to group these sessions under (optional)'),
    value: label ?? fallback,
    ignoreFocusOut: true,
  }));
  return trackIds(services, { text, typed: true }, { source: 'typed', label: runLabel.trim() || fallback });
}
