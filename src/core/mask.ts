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

/** `s` as a literal inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A name whose value is secret: `VERIFF_SHARED_SECRET`, `API_KEY`, `--api-key`, `GITHUB_TOKEN`,
 * `--password`, `MYSQL_PWD`, `X_HMAC_SIGNATURE`…
 */
const SECRET_NAME = String.raw`[A-Za-z0-9_-]*(?:key|secret|token|password|passwd|pwd|passphrase|credentials?|signature)[A-Za-z0-9_-]*`;
/** A shell word: quoted, or up to the next space or quote. */
const VALUE = String.raw`(?:"[^"]*"|'[^']*'|[^\s"']+)`;
/** Where a shell word starts. */
const START = String.raw`(^|[\s;&|(])`;

type Replacement = string | ((match: string, ...groups: string[]) => string);

const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, Replacement]> = [
  // scheme://user:password@host (or a token as the user): the whole user info goes.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, '$1***@'],
  // Authorization: Bearer x, X-AUTH-CLIENT: key, X-Api-Key: k, Cookie: … (the scheme word stays).
  [
    /\b((?:proxy-)?authorization|cookie|x-[a-z0-9-]*(?:auth|key|token|secret|signature|password)[a-z0-9-]*)(\s*:\s*)(?:(bearer|basic|digest|token|negotiate)\s+)?[^\s"',;]+/gi,
    (_all, name: string, colon: string, scheme: string | undefined) => `${name}${colon}${scheme ? `${scheme} ` : ''}***`,
  ],
  // A bare "Bearer <token>" / "Basic <base64>": a token has a digit or punctuation, a word does not.
  [/\b(Bearer|Basic)\s+(?=[A-Za-z]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{6,}/g, '$1 ***'],
  // NAME=value (environment assignment, --flag=value) and --flag value for secret-looking names.
  [new RegExp(String.raw`${START}(${SECRET_NAME}=|--?${SECRET_NAME}\s+(?!-))${VALUE}`, 'gi'), '$1$2***'],
  // curl/wget -u user:password, --user user:password, -uuser:password.
  [new RegExp(String.raw`${START}(-u\s*|--user[=\s]\s*)(?:"[^"]*:[^"]*"|'[^']*:[^']*'|[^\s"':]+:[^\s"']*)`, 'g'), '$1$2***'],
  // mysql -pPASSWORD (attached; `-p` alone prompts). Short clusters (-pv, -plah) and find's -print,
  // -prune, -path, -perm and compiler flags are not passwords.
  [new RegExp(String.raw`${START}-p(?!(?:rint\w*|rune|ath|erm|thread|edantic)(?![^\s"']))(?:"[^"]*"|'[^']*'|[^\s"']{4,})`, 'g'), '$1-p***'],
];

/**
 * Replaces credentials written into a command line, a URL or a log line by `***`: URL user info,
 * `Authorization`/`X-…-Key`-style header values, `Bearer`/`Basic` tokens, values of secret-looking
 * assignments and flags (`*_KEY=`, `*_SECRET=`, `*_TOKEN=`, `*_PASSWORD=`, `--password x`),
 * `-u user:password` and `-pPASSWORD`. For text that is quoted or stored; it knows no actual secret
 * values (`redact` does that).
 */
export function redactCredentials(text: string): string {
  let out = text;
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) {
    out = out.replace(pattern, replacement as string);
  }
  return out;
}
