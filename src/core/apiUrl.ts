// What counts as a Veriff API URL: https, or plain http to loopback only.

/**
 * Whether plain http may go to this host: a literal loopback address (127.0.0.0/8, [::1]) or
 * exactly `localhost`. No other name: `*.localhost` (or `localhost.`) may be sent to DNS, and a
 * DNS answer could then receive the API key unencrypted. `hostname` comes from WHATWG URL parsing,
 * which has already turned `127.1` or `0x7f.0.0.1` into dotted-decimal form.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') {
    return true;
  }
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return octets !== null && octets.slice(1).every((o) => Number(o) <= 255);
}

/**
 * Checks and normalises an API URL: https, or http for loopback only; no credentials, query or
 * fragment; a trailing `/` or `/v1` is dropped (requests go to `<API URL>/v1/...`).
 * Throws an Error that says what is wrong.
 */
export function normaliseApiUrl(apiUrl: string): URL {
  let url: URL;
  try {
    url = new URL(apiUrl.trim());
  } catch {
    // Not echoed: an unparsable URL may still hold a password (https://user:secret@).
    throw new Error('The Veriff API URL is not a valid URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new Error(
      `The Veriff API URL must start with https:// (plain http:// is allowed only for the loopback addresses 127.x.x.x and [::1] and the name localhost): ${url.protocol}//${url.host}`,
    );
  }
  if (url.username || url.password) {
    throw new Error('The Veriff API URL must not contain a user name or password.');
  }
  if (url.search || url.hash) {
    throw new Error('The Veriff API URL must not contain a query (?…) or fragment (#…).');
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/i, '') || '/';
  return url;
}

/** The path prefix of a normalised API URL: '' at the root, else e.g. '/veriff'. */
export function apiBasePath(url: URL): string {
  return url.pathname === '/' ? '' : url.pathname;
}
