import * as vscode from 'vscode';
import { extractSessionIds, findIdsInText, parseTypedIds } from '../core/idExtraction';
import { redact } from '../core/mask';
import { withoutSecrets, type KnownSecrets } from '../core/secretSeeds';
import type { AddResult, SessionToTrack, SessionSource } from '../core/sessions';
import type { CredentialStore, Integration } from './credentials';
import type { Services } from './services';

export interface TrackInput {
  /** Ids (or ids with their own label/vendorData); anything that is not a UUID counts as invalid. */
  ids?: readonly (string | SessionToTrack)[];
  /** Text to take ids from. */
  text?: string;
  /**
   * How `text` is read: `true` a typed list (every token that is not an id is reported invalid),
   * `false` a log or report (every UUID in it, nothing reported invalid), omitted: decided from
   * the text (selection, clipboard).
   */
  typed?: boolean;
}

export interface TrackOptions {
  source: SessionSource;
  /** Run/batch label; absent or blank gives the core's default label (seeds may carry their own). */
  label?: string;
  /** Default: the active integration. */
  integration?: Integration;
  /** Shown in messages when nothing was found, e.g. "the clipboard". */
  from?: string;
  /**
   * `message` (default): one summary notification. `status`: a status-bar note only (automatic
   * imports). `none`: the caller reports (it shows its own message).
   */
  notify?: 'message' | 'status' | 'none';
}

const SHOWN_INVALID = 3;
const SHOWN_INVALID_LENGTH = 40;

/**
 * The one path every way of tracking goes through: extract and validate ids, add them to the store
 * for the active integration (or the given one), log and report one summary. Returns undefined,
 * changing nothing, when no integration with credentials is set up.
 */
export async function trackIds(services: Services, input: TrackInput, opts: TrackOptions): Promise<AddResult | undefined> {
  const notify = opts.notify ?? 'message';
  const integration = opts.integration ?? services.credentials.active();
  const secrets = integration ? await services.credentials.getSecrets(integration) : undefined;
  if (!integration || !secrets) {
    services.log.warn(`Sessions from ${opts.source} not tracked: no Veriff integration with credentials is set up`);
    void refuseWithoutCredentials(services);
    return undefined;
  }

  const seeds: (string | SessionToTrack)[] = [...(input.ids ?? [])];
  const invalid: string[] = [];
  if (input.text !== undefined) {
    const extracted = input.typed === true ? parseTypedIds(input.text) : input.typed === false ? findIdsInText(input.text) : extractSessionIds(input.text);
    seeds.push(...extracted.ids);
    invalid.push(...extracted.invalid);
  }

  const known = await knownSecrets(services.credentials);
  const apiKeys = [secrets.apiKey, ...known.apiKeys];
  const sharedSecrets = [secrets.sharedSecret, ...known.sharedSecrets];
  const allSecrets = [...apiKeys, ...sharedSecrets];
  const { accepted, skipped } = withoutSecrets(seeds, { apiKeys, sharedSecrets });
  const stored = services.sessions.store.add(integration.id, accepted, { source: opts.source, label: opts.label });
  const result: AddResult = {
    added: stored.added,
    alreadyTracked: stored.alreadyTracked,
    // An invalid token may hold a secret that is not a UUID (`SECRET=…` in a pasted list): masked.
    invalid: [...invalid, ...stored.invalid].map((t) => redact(t, allSecrets)).concat(skipped),
  };

  const labels = [...new Set(result.added.map((id) => services.sessions.store.get(integration.id, id)?.label ?? ''))];
  services.log.info(
    `Tracked from ${opts.source} for "${integration.name}"${labels.length === 1 ? ` (run "${labels[0]}")` : labels.length > 1 ? ` (${labels.length} runs)` : ''}: ` +
      `${result.added.length} new, ${result.alreadyTracked.length} already tracked, ${result.invalid.length} invalid` +
      (result.invalid.length > 0 ? ` (${result.invalid.map(shorten).join(', ')})` : ''),
  );
  if (skipped.length > 0) {
    services.log.warn(`${skipped.length} id(s) skipped: they are API keys or shared secrets of your integrations, not sessions`);
  }

  if (notify === 'message') {
    void showSummary(services, result, labels, opts.from);
  } else if (notify === 'status' && result.added.length > 0) {
    services.ui.showStatusMessage(vscode.l10n.t('$(pass) Veriff: sessions tracked: {0}', result.added.length));
  }
  return result;
}

/** The refusal when there is nowhere to track to, with a button to the fix. */
export async function refuseWithoutCredentials(services: Services): Promise<void> {
  const set = vscode.l10n.t('Set API Credentials');
  void services.ui
    .showWarningMessage(vscode.l10n.t('Nothing was tracked: set up the API credentials of a Veriff integration first. Sessions are tracked per integration.'), set)
    .then((choice) => choice === set && vscode.commands.executeCommand('veriff.setCredentials'));
}

async function showSummary(services: Services, result: AddResult, labels: string[], from: string | undefined): Promise<void> {
  const total = result.added.length + result.alreadyTracked.length + result.invalid.length;
  if (total === 0) {
    void services.ui.showWarningMessage(
      from ? vscode.l10n.t('No Veriff session ids (UUIDs) found in {0}.', from) : vscode.l10n.t('No Veriff session ids (UUIDs) found.'),
    );
    return;
  }
  const parts = [
    vscode.l10n.t('Veriff sessions: {0} new, {1} already tracked, {2} invalid.', result.added.length, result.alreadyTracked.length, result.invalid.length),
  ];
  if (result.invalid.length > 0) {
    const shown = result.invalid.slice(0, SHOWN_INVALID).map(shorten).join(', ');
    parts.push(vscode.l10n.t('Not session ids: {0}.', result.invalid.length > SHOWN_INVALID ? `${shown}, …` : shown));
  }
  if (labels.length === 1) {
    parts.push(vscode.l10n.t('Run: {0}', labels[0]));
  }
  if (result.invalid.length > 0) {
    const showLog = vscode.l10n.t('Show Log');
    void services.ui.showWarningMessage(parts.join(' '), showLog).then((choice) => choice === showLog && vscode.commands.executeCommand('veriff.showLog'));
    return;
  }
  // A clean import is routine: the new rows in the tree and a note in the status bar say it.
  services.ui.showStatusMessage(`$(pass) ${parts.join(' ')}`);
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > SHOWN_INVALID_LENGTH ? `${oneLine.slice(0, SHOWN_INVALID_LENGTH)}…` : oneLine;
}

/**
 * The API keys and shared secrets of every integration, read from SecretStorage (cached) and
 * held in memory only: what must never be taken for a session id. An integration whose secrets
 * cannot be read is left out.
 */
async function knownSecrets(credentials: CredentialStore): Promise<KnownSecrets> {
  const apiKeys: string[] = [];
  const sharedSecrets: string[] = [];
  for (const integration of credentials.list()) {
    const secrets = await credentials.getSecrets(integration).catch(() => undefined);
    if (secrets) {
      apiKeys.push(secrets.apiKey);
      sharedSecrets.push(secrets.sharedSecret);
    }
  }
  return { apiKeys, sharedSecrets };
}
