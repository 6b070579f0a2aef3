import * as vscode from 'vscode';
import { DEFAULT_API_URL, validateApiKey, validateApiUrl, validateSharedSecret } from '../../../core/credentialsValidation';
import { validateIntegrationName } from '../../../core/integrationName';
import { maskApiKey } from '../../../core/mask';
import type { Integration } from '../../credentials';
import { runSteps, type InputStep } from '../../multiStepInput';
import { answered } from '../../prompts';
import type { Services } from '../../services';

export interface SetCredentialsArgs {
  name?: string;
  apiUrl?: string;
  apiKey?: string;
  sharedSecret?: string;
}

/**
 * "Veriff: Set API Credentials": add or edit an integration in one multi-step input (name, API URL,
 * API key, shared secret; "n/4" in the title, Back, each step validated, key and secret masked).
 * With an argument object it validates and saves without prompting (automation, tests); bad input
 * is refused and changes nothing. Returns the integration's name, or undefined.
 */
export async function setCredentials(services: Services, args?: SetCredentialsArgs): Promise<string | undefined> {
  const input = args && typeof args === 'object' ? await fromArgs(services, args) : await prompt(services);
  if (!input) {
    return undefined;
  }
  const integration = await services.credentials.upsert(input);
  services.log.info(`Credentials saved for integration "${integration.name}" (${integration.apiUrl}, key ${maskApiKey(input.apiKey)}); it is now active`);
  services.ui.showStatusMessage(vscode.l10n.t('$(pass) Veriff credentials saved for "{0}". It is now the active integration.', integration.name));
  return integration.name;
}

type Input = { name: string; apiUrl: string; apiKey: string; sharedSecret: string };

async function fromArgs(services: Services, args: SetCredentialsArgs): Promise<Input | undefined> {
  const name = String(args.name ?? 'Test');
  const existing = services.credentials.find(name);
  if (existing?.environment) {
    services.log.warn(`Credentials not saved: "${existing.name}" is the integration read from the environment`);
    void services.ui.showErrorMessage(vscode.l10n.t('Veriff credentials not saved: {0}', nameTaken(services, name) ?? ''));
    return undefined;
  }
  const old = existing ? await services.credentials.getSecrets(existing) : undefined;
  const apiKey = String(args.apiKey ?? old?.apiKey ?? '');
  const sharedSecret = String(args.sharedSecret ?? old?.sharedSecret ?? '');
  const url = validateApiUrl(String(args.apiUrl ?? existing?.apiUrl ?? DEFAULT_API_URL));
  const problem = validateIntegrationName(name) ?? (url.ok ? undefined : url.message) ?? validateApiKey(apiKey) ?? validateSharedSecret(sharedSecret);
  if (problem || !url.ok) {
    services.log.warn(`Credentials not saved: ${problem}`);
    void services.ui.showErrorMessage(vscode.l10n.t('Veriff credentials not saved: {0}', problem ?? ''));
    return undefined;
  }
  return { name: name.trim(), apiUrl: url.value, apiKey, sharedSecret };
}

async function prompt(services: Services): Promise<Input | undefined> {
  const ui = services.ui;
  // The environment's integration is not edited here (it is never stored).
  const list = services.credentials.list().filter((i) => !i.environment);
  let existing: Integration | undefined;
  if (list.length > 0) {
    const addLabel = vscode.l10n.t('$(add) Add Integration…');
    const picked = await answered(
      ui.showQuickPick(
        [
          ...list.map((i) => ({ label: i.name, description: i.apiUrl, detail: vscode.l10n.t('Edit this integration'), integration: i as Integration | undefined })),
          { label: addLabel, description: '', detail: vscode.l10n.t('A test, staging or live integration from the Veriff Customer Portal'), integration: undefined },
        ],
        { title: vscode.l10n.t('Veriff: Set API Credentials'), placeHolder: vscode.l10n.t('Edit an integration or add one') },
      ),
    );
    existing = picked.integration;
  }
  const old = existing ? await services.credentials.getSecrets(existing) : undefined;
  const keep = (validate: (value: string) => string | undefined) => (value: string) => (old && value === '' ? undefined : validate(value));
  type Field = 'name' | 'apiUrl' | 'apiKey' | 'sharedSecret';
  const steps: Array<InputStep<Field>> = [];
  if (!existing) {
    steps.push({
      id: 'name',
      prompt: vscode.l10n.t('A name for this integration'),
      initial: list.length === 0 ? 'Test' : '',
      validate: (v) => validateIntegrationName(v) ?? nameTaken(services, v),
    });
  }
  steps.push(
    {
      id: 'apiUrl',
      prompt: vscode.l10n.t('API URL from the Veriff Customer Portal (Settings → API keys)'),
      initial: existing?.apiUrl ?? DEFAULT_API_URL,
      validate: (v) => {
        const r = validateApiUrl(v);
        return r.ok ? undefined : r.message;
      },
    },
    {
      id: 'apiKey',
      prompt: old ? vscode.l10n.t('API key (leave empty to keep the current one)') : vscode.l10n.t('API key (a UUID)'),
      password: true,
      validate: keep(validateApiKey),
    },
    {
      id: 'sharedSecret',
      prompt: old ? vscode.l10n.t('Shared secret key (leave empty to keep the current one)') : vscode.l10n.t('Shared secret key (used only to sign requests; never sent)'),
      password: true,
      validate: keep(validateSharedSecret),
    },
  );
  const title = existing ? vscode.l10n.t('Veriff: Set API Credentials ({0})', existing.name) : vscode.l10n.t('Veriff: Set API Credentials');
  const values = await answered(runSteps(ui, title, steps));
  // Each step validated its value; the whole is checked once more as arguments are.
  return fromArgs(services, {
    name: existing?.name ?? values.name,
    apiUrl: values.apiUrl,
    apiKey: values.apiKey === '' && old ? old.apiKey : values.apiKey,
    sharedSecret: values.sharedSecret === '' && old ? old.sharedSecret : values.sharedSecret,
  });
}

/** Why a new integration cannot take this name, if it cannot. */
function nameTaken(services: Services, name: string): string | undefined {
  const taken = services.credentials.find(name);
  if (!taken) {
    return undefined;
  }
  return taken.environment
    ? vscode.l10n.t('"{0}" is the integration read from the environment; choose another name.', taken.name)
    : vscode.l10n.t('An integration with this name exists; pick it to edit it.');
}
