/** Shows only a short prefix of an API key, enough to tell integrations apart in a log. */
export function maskApiKey(key: string | undefined | null): string {
  const k = (key ?? '').trim();
  if (k === '') {
    return '(no key)';
  }
  // A key shorter than 12 characters is not a Veriff key; showing 4 of it would reveal too much.
  return k.length < 12 ? '…' : `${k.slice(0, 4)}…`;
}

/** Shortest secret worth redacting: shorter strings would match ordinary text by accident. */
const MIN_SECRET_LENGTH = 6;

/**
 * Replaces every occurrence of each secret (API key, shared secret, signature) in `text` with
 * `***`, case-insensitively (hex signatures and UUIDs may appear in either case).
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined | null>): string {
  const needles = [...new Set(secrets.map((s) => (s ?? '').trim()).filter((s) => s.length >= MIN_SECRET_LENGTH))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0 || text === '') {
    return text;
  }
  const pattern = new RegExp(needles.map(escapeRegExp).join('|'), 'gi');
  return text.replace(pattern, '***');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
