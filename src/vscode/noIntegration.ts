import * as vscode from 'vscode';
import type { BaseServices } from './baseServices';
import { showFailure } from './failures';

/** The failure of a command that needs an integration when none is set up. */
export function showNoIntegration(services: Pick<BaseServices, 'ui' | 'log'>): void {
  showFailure(services, vscode.l10n.t('No Veriff integration is set up: set the API credentials first.'), { credentialsFix: true });
}
