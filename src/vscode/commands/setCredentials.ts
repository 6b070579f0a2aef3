import * as vscode from 'vscode';
import {
  DEFAULT_API_URL, validateApiKey, validateApiUrl, validateIntegrationName, validateSharedSecret,
} from '../../core/credentialsValidation';
import { maskApiKey } from '../../core/mask';
import type { Integration } from '../credentials';
import { guard } from '../failures';
import type { Services } from '../services';

export interface SetCredentialsArgs {
  name?: string;
  apiUrl?: string;
  apiKey?: string;
  sharedSecret?: string;
}

/**
 * "Veriff: Set API Credentials": add or edit an integration. With an argument object it validates
 * and saves without prompting (automation, tests); bad input is refused and changes nothing.
 */
export async function setCredentials(services: Services, args?: SetCredentialsArgs): Promise<string | undefined> {
  return guard(services, vscode.l10n.t('Saving Veriff credentials'), async () => {
    const input = args && typeof args === 'object' ? await fromArgs(services, args) : await prompt(services);
    if (!input) {
      return undefined;
    }
    const integration = await services.credentials.upsert(input);
    services.log.info(`Credentials saved for integration "${integration.name}" (${integration.apiUrl}, key ${maskApiKey(input.apiKey)}); it is now active`);
    services.ui.showStatusMessage(vscode.l10n.t('$(pass) Veriff credentials saved for "{0}". It is now the active integration.', integration.name));
    return integration.name;
  });
}

type Input = { name: string; apiUrl: string; apiKey: string; sharedSecret: string };

async function fromArgs(services: Services, args: SetCredentialsArgs): Promise<Input | undefined> {
  const name = String(args.name ?? 'Test');
  const existing = services.credentials.find(name);
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
  const list = services.credentials.list();
  let existing: Integration | undefined;
  if (list.length > 0) {
    const addLabel = vscode.l10n.t('$(add) Add Integration…');
    const picked = await ui.showQuickPick(
      [
        ...list.map((i) => ({ label: i.name, description: i.apiUrl, detail: vscode.l10n.t('Edit this integration'), integration: i as Integration | undefined })),
        { label: addLabel, description: '', detail: vscode.l10n.t('A test, staging or live integration from the Veriff Customer Portal'), integration: undefined },
      ],
      { title: vscode.l10n.t('Veriff: Set API Credentials'), placeHolder: vscode.l10n.t('Edit an integration or add one') },
    );
    if (!picked) {
      return undefined;
    }
    existing = picked.integration;
  }
  const old = existing ? await services.credentials.getSecrets(existing) : undefined;
  const title = vscode.l10n.t('Veriff: Set API Credentials');
  const name = existing?.name ?? (await ui.showInputBox({
    title,
    prompt: vscode.l10n.t('A name for this integration'),
    value: list.length === 0 ? 'Test' : '',
    validateInput: (v) => validateIntegrationName(v) ?? (services.credentials.find(v) ? vscode.l10n.t('An integration with this name exists; pick it to edit it.') : undefined),
    ignoreFocusOut: true,
  }));
  if (name === undefined) {
    return undefined;
  }
  const apiUrlRaw = await ui.showInputBox({
    title,
    prompt: vscode.l10n.t('API URL from the Veriff Customer Portal (Settings → API keys)'),
    value: existing?.apiUrl ?? DEFAULT_API_URL,
    validateInput: (v) => {
      const r = validateApiUrl(v);
      return r.ok ? undefined : r.message;
    },
    ignoreFocusOut: true,
  });
  if (apiUrlRaw === undefined) {
    return undefined;
  }
  const apiKey = await askSecret(
    services,
    title,
    old ? vscode.l10n.t('API key (leave empty to keep the current one)') : vscode.l10n.t('API key (a UUID)'),
    validateApiKey,
    old?.apiKey,
  );
  if (apiKey === undefined) {
    return undefined;
  }
  const sharedSecret = await askSecret(
    services,
    title,
    old ? vscode.l10n.t('Shared secret key (leave empty to keep the current one)') : vscode.l10n.t('Shared secret key (used only to sign requests; never sent)'),
    validateSharedSecret,
    old?.sharedSecret,
  );
  if (sharedSecret === undefined) {
    return undefined;
  }
  // Input boxes validate as the user types, but a scripted or pasted answer is checked again here.
  return fromArgs(services, {
    name,
    apiUrl: apiUrlRaw,
    apiKey,
    sharedSecret,
  });
}

/** A password box; when there is a current value, an empty answer keeps it. Undefined when dismissed. */
async function askSecret(
  services: Services,
  title: string,
  prompt: string,
  validate: (value: string) => string | undefined,
  current: string | undefined,
): Promise<string | undefined> {
  const value = await services.ui.showInputBox({
    title,
    prompt,
    password: true,
    validateInput: (v) => (current !== undefined && v === '' ? undefined : validate(v)),
    ignoreFocusOut: true,
  });
  return value === '' && current !== undefined ? current : value;
}
