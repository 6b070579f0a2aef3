import * as vscode from 'vscode';
import type { Outcome } from '../core/veriffClient';

/** Plain-language text for a failed outcome; the log has the details. */
export function describeFailure(outcome: Exclude<Outcome<unknown>, { kind: 'ok' }>): { text: string; credentialsFix: boolean } {
  switch (outcome.kind) {
    case 'veriffError':
      return {
        text: vscode.l10n.t('Veriff answered {0}: {1} {2}', `${outcome.http}${outcome.code ? ` (code ${outcome.code})` : ''}`, outcome.explanation.meaning, outcome.explanation.fix),
        credentialsFix: outcome.http === 401 || outcome.http === 403,
      };
    case 'rateLimited':
      return { text: vscode.l10n.t('Veriff refused the request: the delete budget is spent (429). {0}', outcome.explanation.fix), credentialsFix: false };
    case 'network':
      return { text: vscode.l10n.t('Could not reach Veriff. Check the network, the proxy settings and the API URL. Details: {0}', outcome.message), credentialsFix: false };
    case 'timeout':
      return { text: vscode.l10n.t('Veriff did not answer in time. Nothing is lost; refresh and try again. Details: {0}', outcome.message), credentialsFix: false };
    case 'malformed':
      if (outcome.tooLarge) {
        return {
          text: vscode.l10n.t('The answer (HTTP {0}) was too large for a Veriff answer (over 1 MiB) and was not read; nothing changed. Check the API URL and any proxy in between.', String(outcome.http)),
          credentialsFix: false,
        };
      }
      if (outcome.unverified) {
        return {
          text: vscode.l10n.t(
            "Veriff's answer could not be verified (HTTP {0}, signature {1}): the shared secret may be wrong for this API key, or a proxy rewrites answers. The session stays tracked.",
            String(outcome.http),
            outcome.signature,
          ),
          credentialsFix: true,
        };
      }
      return { text: vscode.l10n.t('The answer was not what Veriff sends (HTTP {0}). Check the API URL and any proxy in between.', String(outcome.http)), credentialsFix: false };
    case 'cancelled':
      return { text: vscode.l10n.t('Cancelled.'), credentialsFix: false };
    case 'invalidInput':
      return { text: outcome.message, credentialsFix: false };
  }
}
