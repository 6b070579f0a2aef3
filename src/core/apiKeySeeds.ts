import { maskApiKey } from './mask';
import type { SessionSeed } from './sessions';

/**
 * An API key is a UUID too (and appears in request logs): never track one as a session. Splits
 * the seeds into those to track and the API keys among them, masked (for the invalid list).
 */
export function withoutApiKeys(
  seeds: readonly (string | SessionSeed)[],
  apiKeys: Iterable<string>,
): { accepted: (string | SessionSeed)[]; skippedKeys: string[] } {
  const keys = new Set([...apiKeys].map((k) => k.trim().toLowerCase()));
  const accepted: (string | SessionSeed)[] = [];
  const skippedKeys: string[] = [];
  for (const seed of seeds) {
    const id = (typeof seed === 'string' ? seed : String(seed.id)).trim().toLowerCase();
    if (keys.has(id)) {
      skippedKeys.push(maskApiKey(id));
    } else {
      accepted.push(seed);
    }
  }
  return { accepted, skippedKeys };
}
