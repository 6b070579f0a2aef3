// Times and durations in the user's display language, through the JavaScript Intl API (plurals,
// word order and abbreviations come with it for every language). Every function takes the locale
// (VS Code's `vscode.env.language`, e.g. "en", "de", "pt-br"); formatters are cached per locale.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const cache = new Map<string, unknown>();

function cached<T>(key: string, make: () => T): T {
  let value = cache.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** A locale Intl accepts: the given one when it is a valid tag, else English. */
export function intlLocale(locale: string | undefined): string {
  if (!locale) {
    return 'en';
  }
  return cached(`locale:${locale}`, () => {
    try {
      return Intl.getCanonicalLocales(locale)[0] ?? 'en';
    } catch {
      return 'en';
    }
  });
}

function relative(locale: string, style: Intl.RelativeTimeFormatStyle, numeric: 'auto' | 'always'): Intl.RelativeTimeFormat {
  const tag = intlLocale(locale);
  return cached(`rtf:${tag}:${style}:${numeric}`, () => new Intl.RelativeTimeFormat(tag, { style, numeric }));
}

function unit(locale: string, name: 'minute' | 'hour' | 'day', display: 'long' | 'short' | 'narrow'): Intl.NumberFormat {
  const tag = intlLocale(locale);
  return cached(`unit:${tag}:${name}:${display}`, () => new Intl.NumberFormat(tag, { style: 'unit', unit: name, unitDisplay: display }));
}

function dateTime(locale: string, options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const tag = intlLocale(locale);
  return cached(`dtf:${tag}:${timeZone ?? ''}:${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(tag, { ...options, ...(timeZone ? { timeZone } : {}) }));
}

/** The plural category of `n` in the locale ("one", "other", …): picks the message form for a count. */
export function pluralCategory(n: number, locale: string): Intl.LDMLPluralRule {
  const tag = intlLocale(locale);
  return cached(`plural:${tag}`, () => new Intl.PluralRules(tag)).select(n);
}

/**
 * How long ago, short, for tree rows and pick items: "now" under a minute (and for a moment
 * slightly in the future: clock skew between windows), then whole minutes, hours, days, rounded
 * down: "5 min. ago" / "vor 5 Min.".
 */
export function ageText(fromMs: number, nowMs: number, locale: string): string {
  const age = nowMs - fromMs;
  if (!Number.isFinite(age)) {
    return '?';
  }
  if (age < MINUTE) {
    return relative(locale, 'short', 'auto').format(0, 'second');
  }
  const rtf = relative(locale, 'short', 'always');
  if (age < HOUR) {
    return rtf.format(-Math.floor(age / MINUTE), 'minute');
  }
  if (age < DAY) {
    return rtf.format(-Math.floor(age / HOUR), 'hour');
  }
  return rtf.format(-Math.floor(age / DAY), 'day');
}

/**
 * When something will happen, in one unit, rounded up so it is never early: "in 42 minutes" up to
 * 90 minutes, then hours up to 36 hours, then days; "now" when it is due.
 */
export function inText(atMs: number, nowMs: number, locale: string): string {
  const ms = atMs - nowMs;
  if (ms <= 0) {
    return relative(locale, 'long', 'auto').format(0, 'second');
  }
  const rtf = relative(locale, 'long', 'always');
  if (ms <= 90 * MINUTE) {
    return rtf.format(Math.max(1, Math.ceil(ms / MINUTE)), 'minute');
  }
  if (ms <= 36 * HOUR) {
    return rtf.format(Math.ceil(ms / HOUR), 'hour');
  }
  return rtf.format(Math.ceil(ms / DAY), 'day');
}

/** A rough length for summaries, rounded to the nearest unit: "20 minutes", "3 hours", "2 days". */
export function roughDuration(ms: number, locale: string): string {
  if (ms < HOUR) {
    return unit(locale, 'minute', 'long').format(Math.max(1, Math.ceil(ms / MINUTE)));
  }
  if (ms < DAY) {
    return unit(locale, 'hour', 'long').format(Math.round(ms / HOUR));
  }
  return unit(locale, 'day', 'long').format(Math.round(ms / DAY));
}

/** A very short wait for tree rows, rounded up: "15m", "2h", "1d" (narrow units of the locale). */
export function shortDuration(ms: number, locale: string): string {
  if (ms < HOUR) {
    return unit(locale, 'minute', 'narrow').format(Math.max(1, Math.ceil(ms / MINUTE)));
  }
  if (ms < DAY) {
    return unit(locale, 'hour', 'narrow').format(Math.ceil(ms / HOUR));
  }
  return unit(locale, 'day', 'narrow').format(Math.round(ms / DAY));
}

/** The wall-clock time of `at` ("14:05", "2:05 PM"), with the date when it is not on the day of `now`. */
export function clockText(atMs: number, nowMs: number, locale: string, timeZone?: string): string {
  const time = dateTime(locale, { hour: '2-digit', minute: '2-digit' }, timeZone).format(atMs);
  const day = dateTime(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }, timeZone);
  if (day.format(atMs) === day.format(nowMs)) {
    return time;
  }
  return `${dateTime(locale, { month: 'short', day: 'numeric' }, timeZone).format(atMs)} ${time}`;
}

/** A full moment for tooltips: "Nov 30, 2025, 2:05 PM" / "30.11.2025, 14:05". */
export function dateTimeText(atMs: number, locale: string, timeZone?: string): string {
  return dateTime(locale, { dateStyle: 'medium', timeStyle: 'short' }, timeZone).format(atMs);
}
