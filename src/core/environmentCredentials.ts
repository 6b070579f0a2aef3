import { DEFAULT_API_URL, validateApiKey, validateApiUrl, validateSharedSecret } from './credentialsValidation';

/** The name of the integration read from the extension host's environment. */
export const ENVIRONMENT_INTEGRATION_NAME = 'Environment';
export const ENVIRONMENT_VARIABLES = { apiUrl: 'VERIFF_API_URL', apiKey: 'VERIFF_API_KEY', sharedSecret: 'VERIFF_SHARED_SECRET' } as const;

export type EnvironmentCredentials =
  | { kind: 'ok'; apiUrl: string; apiKey: string; sharedSecret: string }
  /** Neither the key nor the secret is set: nothing to offer. */
  | { kind: 'absent' }
  /** Set, but not usable; `problem` names the variable and never holds its value. */
  | { kind: 'invalid'; problem: string };

/**
 * Reads VERIFF_API_URL (optional, Veriff's default API URL without it), VERIFF_API_KEY and
 * VERIFF_SHARED_SECRET from an environment, validated like typed credentials.
 */
export function readEnvironmentCredentials(env: Readonly<Record<string, string | undefined>>): EnvironmentCredentials {
  const apiKey = env[ENVIRONMENT_VARIABLES.apiKey]?.trim() ?? '';
  const sharedSecret = env[ENVIRONMENT_VARIABLES.sharedSecret]?.trim() ?? '';
  if (apiKey === '' && sharedSecret === '') {
    return { kind: 'absent' };
  }
  const url = validateApiUrl(env[ENVIRONMENT_VARIABLES.apiUrl]?.trim() || DEFAULT_API_URL);
  if (!url.ok) {
    return { kind: 'invalid', problem: `${ENVIRONMENT_VARIABLES.apiUrl}: ${url.message}` };
  }
  if (apiKey === '') {
    return { kind: 'invalid', problem: `${ENVIRONMENT_VARIABLES.apiKey} is not set` };
  }
  if (validateApiKey(apiKey)) {
    return { kind: 'invalid', problem: `${ENVIRONMENT_VARIABLES.apiKey} is not a UUID` };
  }
  const secretProblem = validateSharedSecret(sharedSecret);
  if (secretProblem) {
    return { kind: 'invalid', problem: `${ENVIRONMENT_VARIABLES.sharedSecret}: ${secretProblem}` };
  }
  return { kind: 'ok', apiUrl: url.value, apiKey: apiKey.toLowerCase(), sharedSecret };
}
