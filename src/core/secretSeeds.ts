import { maskApiKey } from './mask';
import type { SessionToTrack } from './sessions';

/** The stored credentials of every integration, as plain values held in memory only. */
export interface KnownSecrets {
  apiKeys: Iterable<string>;
  sharedSecrets: Iterable<string>;
}

/**
 * API keys are UUIDs, and a shared secret may be one too; both turn up in logs, terminal output
 * and `.env` files next to session ids. None of them is ever tracked as a session (it would be
 * stored in sessions.json and sent in a request path). Compared trimmed and case-insensitively.
 * Splits the seeds into those to track and the skipped ones, described without their value
 * (an API key as its 4-character prefix, a shared secret not at all).
 */
export function withoutSecrets(seeds: readonly (string | SessionToTrack)[], known: KnownSecrets): { accepted: (string | SessionToTrack)[]; skipped: string[] } {
  const normalise = (v: string): string => v.trim().toLowerCase();
  const keys = new Set([...known.apiKeys].map(normalise));
  const secrets = new Set([...known.sharedSecrets].map(normalise));
  const accepted: (string | SessionToTrack)[] = [];
  const skipped: string[] = [];
  for (const seed of seeds) {
    const id = normalise(typeof seed === 'string' ? seed : String(seed.id));
    if (keys.has(id)) {
      skipped.push(maskApiKey(id));
    } else if (secrets.has(id)) {
      skipped.push('(a shared secret)');
    } else {
      accepted.push(seed);
    }
  }
  return { accepted, skipped };
}
