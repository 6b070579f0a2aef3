/**
 * Which proxy (if any) a request to the Veriff API URL goes through.
 *
 * Rules, in order:
 * 1. NO_PROXY / no_proxy (and VS Code's `http.noProxy` list) exclude a target, whichever proxy
 *    would otherwise apply: `*`, a host (also matching its subdomains; a leading `.` or `*.` is
 *    ignored), `host:port`, an IPv6 address (bare or `[addr]:port`) or an IPv4 CIDR range.
 * 2. VS Code's `http.proxy` setting wins over the environment.
 * 3. Otherwise https targets use https_proxy / HTTPS_PROXY, falling back to http_proxy /
 *    HTTP_PROXY (as undici's EnvHttpProxyAgent does); http targets use http_proxy / HTTP_PROXY.
 *    Lowercase names win over uppercase, as in curl.
 *
 * Loopback targets (127.0.0.1, localhost, ::1) get no special treatment: only NO_PROXY decides.
 * That keeps the behaviour identical to curl and undici and lets a local mock be reached through a
 * test proxy; users who run a mock on loopback behind a corporate proxy add `localhost,127.0.0.1`
 * to NO_PROXY (most corporate setups already do).
 */
export interface ProxySettings {
  /** VS Code `http.proxy`, e.g. http://user:pass@proxy.corp:3128 (empty = not set). */
  url?: string;
  /** VS Code `http.proxyStrictSSL`; false disables certificate checks on proxied connections. */
  strictSSL?: boolean;
  /** VS Code `http.noProxy`: hosts that bypass the proxy (same syntax as NO_PROXY entries). */
  noProxy?: readonly string[];
}

export interface ProxyChoice {
  /** Normalised proxy URL (credentials included: for the dispatcher only, never for logs). */
  url: string;
  /** The same URL without credentials, safe for logs. */
  display: string;
  source: 'setting' | 'env';
}

/** Picks the proxy for `target`, or undefined for a direct connection. Throws on an unusable proxy URL. */
export function chooseProxy(target: URL, settings: ProxySettings | undefined, env: NodeJS.ProcessEnv): ProxyChoice | undefined {
  const noProxy = [firstSet(env, 'no_proxy', 'NO_PROXY') ?? '', ...(settings?.noProxy ?? [])].join(',');
  if (isExcluded(target, noProxy)) {
    return undefined;
  }
  const fromSetting = settings?.url?.trim();
  if (fromSetting) {
    return normaliseProxy(fromSetting, 'setting');
  }
  const fromEnv =
    target.protocol === 'https:'
      ? firstSet(env, 'https_proxy', 'HTTPS_PROXY') ?? firstSet(env, 'http_proxy', 'HTTP_PROXY')
      : firstSet(env, 'http_proxy', 'HTTP_PROXY');
  return fromEnv ? normaliseProxy(fromEnv, 'env') : undefined;
}

function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) {
      return value;
    }
  }
  return undefined;
}

function normaliseProxy(raw: string, source: 'setting' | 'env'): ProxyChoice {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`The proxy URL from ${describeSource(source)} is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`The proxy URL from ${describeSource(source)} must start with http:// or https:// (got ${url.protocol}//).`);
  }
  const display = `${url.protocol}//${url.host}`;
  return { url: url.href, display, source };
}

function describeSource(source: 'setting' | 'env'): string {
  return source === 'setting' ? 'the http.proxy setting' : 'the HTTPS_PROXY/HTTP_PROXY environment variable';
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** Whether a NO_PROXY list excludes `target`. */
export function isExcluded(target: URL, noProxy: string): boolean {
  const host = stripBrackets(target.hostname.toLowerCase());
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  for (const rawEntry of noProxy.split(/[,\s]+/)) {
    const entry = rawEntry.trim().toLowerCase();
    if (!entry) {
      continue;
    }
    if (entry === '*') {
      return true;
    }
    const { hostPart, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) {
      continue;
    }
    const name = stripBrackets(hostPart).replace(/^\*?\./, '');
    if (!name) {
      continue;
    }
    if (host === name || host.endsWith(`.${name}`) || inCidr(host, name)) {
      return true;
    }
  }
  return false;
}

function splitPort(entry: string): { hostPart: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    return { hostPart: bracketed[1]!, entryPort: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  if ((entry.match(/:/g) ?? []).length > 1) {
    return { hostPart: entry }; // bare IPv6 address: no port possible
  }
  const withPort = /^(.+):(\d+)$/.exec(entry);
  return withPort ? { hostPart: withPort[1]!, entryPort: Number(withPort[2]) } : { hostPart: entry };
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function inCidr(host: string, entry: string): boolean {
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(entry);
  const addr = ipv4ToInt(host);
  if (!cidr || addr === undefined) {
    return false;
  }
  const base = ipv4ToInt(cidr[1]!);
  const bits = Number(cidr[2]);
  if (base === undefined || bits > 32) {
    return false;
  }
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (addr & mask) >>> 0 === (base & mask) >>> 0;
}

function ipv4ToInt(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    return undefined;
  }
  return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}
