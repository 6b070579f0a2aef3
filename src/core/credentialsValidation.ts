import { isUuid } from './ids';
import { apiBasePath, normaliseApiUrl } from './apiUrl';

export const DEFAULT_API_URL = 'https://stationapi.veriff.com';

/**
 * Returns the normalised API URL (origin plus optional path prefix, no trailing slash or /v1), or
 * a message saying what is wrong. Plain http is accepted only for loopback so credentials never
 * cross a network unencrypted.
 */
export function validateApiUrl(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  let url: URL;
  try {
    url = normaliseApiUrl(raw);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true, value: `${url.origin}${apiBasePath(url)}` };
}

export function validateApiKey(raw: string): string | undefined {
  return isUuid(raw) ? undefined : 'The API key is a UUID like 1b2c3d4e-…; copy it from the Veriff Customer Portal (Settings → API keys).';
}

export function validateSharedSecret(raw: string): string | undefined {
  const s = raw.trim();
  if (s === '') {
    return 'The shared secret key is required.';
  }
  if (/\s/.test(s)) {
    return 'The shared secret key must not contain spaces.';
  }
  return undefined;
}
