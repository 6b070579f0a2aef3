import * as vscode from 'vscode';
import { pluralCategory } from '../core/relativeTime';
import type { TrackedSession } from '../core/sessions';
import { isDeletableStatus } from '../core/status';
import { deleteAllowance } from './budget/deleteAllowance';
import { apiKeyFingerprint } from './credentials';
import type { GroupNode } from './sessionArgs';
import { runLabel, type RunStart } from './runLabel';
import type { Services } from './services';

/** A test run as testRunOffer.ts follows it. */
export interface Run {
  readonly start: RunStart;
  /** Sessions added to the store while the run went, per integration. */
  readonly added: Map<string, Set<string>>;
}

/** What one offer said, for tests and the log. */
export interface TidyUpOffer {
  readonly label: string;
  readonly left: number;
  readonly deletableNow: number;
  readonly runs: readonly string[];
  readonly message: string;
}

/**
 * The sessions the run left (added from the tracking file, still tracked, not offered before), and
 * what one click would tidy. They count as offered from here on (before any await, so two runs
 * ending together cannot both offer them).
 */
export async function describeOffer(services: Services, run: Run, offeredSessions: Set<string>): Promise<{ offer: TidyUpOffer; target: GroupNode | undefined } | undefined> {
  const store = services.sessions.store;
  const left = new Map<string, TrackedSession[]>();
  for (const [integrationId, ids] of run.added) {
    const sessions = [...ids]
      .map((id) => store.get(integrationId, id))
      .filter((s): s is TrackedSession => s !== undefined && s.source === 'trackingFile' && !offeredSessions.has(`${integrationId}/${s.id}`));
    if (sessions.length > 0) {
      left.set(integrationId, sessions);
      sessions.forEach((s) => offeredSessions.add(`${integrationId}/${s.id}`));
    }
  }
  if (left.size === 0) {
    return undefined;
  }
  let total = 0;
  let deletableNow = 0;
  const runs = new Map<string, { integrationId: string }>();
  for (const [integrationId, sessions] of left) {
    total += sessions.length;
    for (const s of sessions) {
      runs.set(`${integrationId}\n${s.label}`, { integrationId });
    }
    const deletable = sessions.filter((s) => isDeletableStatus(s.status)).length;
    deletableNow += Math.min(deletable, await availableNow(services, integrationId, deletable));
  }
  const locale = vscode.env.language;
  const label = runLabel(run.start);
  const message =
    pluralCategory(total, locale) === 'one'
      ? vscode.l10n.t('`{0}` left 1 Veriff session ({1} deletable now).', label, deletableNow)
      : vscode.l10n.t('`{0}` left {1} Veriff sessions ({2} deletable now).', label, total, deletableNow);
  const labels = [...runs.keys()].map((k) => k.split('\n')[1]);
  let target: GroupNode | undefined;
  if (runs.size === 1) {
    const [[k, { integrationId }]] = [...runs];
    target = { kind: 'group', by: 'run', key: k.split('\n')[1], integrationId, sessions: [] };
  }
  return { offer: { label, left: total, deletableNow, runs: labels, message }, target };
}

/** How many deletes the budget of the integration's API key allows right now (0 when its secrets cannot be read). */
async function availableNow(services: Services, integrationId: string, wanted: number): Promise<number> {
  const integration = services.credentials.list().find((i) => i.id === integrationId);
  const secrets = integration ? await services.credentials.getSecrets(integration).catch(() => undefined) : undefined;
  const budget = services.budgetService;
  if (!secrets || !budget) {
    return 0;
  }
  return deleteAllowance(budget, apiKeyFingerprint(secrets.apiKey), wanted).available;
}

export function showOffer(services: Services, offer: TidyUpOffer, target: GroupNode | undefined): void {
  services.log.info(`After "${offer.label}": ${offer.left} session(s) left from the tracking file (runs: ${offer.runs.join(', ')}), ${offer.deletableNow} deletable now; offering a tidy-up`);
  const tidy = vscode.l10n.t('Tidy Up This Run');
  const notNow = vscode.l10n.t('Not now');
  const never = vscode.l10n.t("Don't ask again");
  void services.ui.showInformationMessage(offer.message, tidy, notNow, never).then(async (choice) => {
    if (choice === tidy) {
      // The run's group when all came with one run label; else the command asks which run.
      await vscode.commands.executeCommand('veriff.tidyUpRun', ...(target ? [target] : []));
    } else if (choice === never) {
      await vscode.workspace.getConfiguration('veriff').update('offerTidyUpAfterTestRun', false, vscode.ConfigurationTarget.Global);
      services.log.info('Tidy-up offers after test runs turned off (veriff.offerTidyUpAfterTestRun)');
    }
  });
}
