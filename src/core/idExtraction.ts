import { UUID_SOURCE, normaliseSessionId } from './ids';
import { isRecord } from './typeGuards';

/** Ids found in some text: normalised (lowercase), unique, in first-seen order. */
export interface ExtractedIds {
  ids: string[];
  /** Tokens that look like attempted ids but are not UUIDs, as the user wrote them (unique). */
  invalid: string[];
}

/** Separators of a typed or pasted list: whitespace, commas, semicolons, quotes, brackets, pipes. */
const TYPED_SEPARATORS = /[\s,;'"`()[\]{}<>|]+/;

/**
 * A UUID anywhere in text. Not preceded or followed by another hex digit, so a longer hex run is
 * not cut into a UUID; a percent-escape such as `%2F` right before it is allowed (encoded URLs).
 * Letters that are not hex may touch it: ANSI colour codes end in `m` (`\x1b[32m<uuid>`).
 */
const UUID_IN_TEXT = new RegExp(`(?<=^|[^0-9a-f]|%[0-9a-f]{2})${UUID_SOURCE}(?![0-9a-f])`, 'gi');

/** A token a user plausibly meant as an id: letters/digits joined by dashes or underscores. */
const ID_SHAPED = /^[0-9a-z]+(?:[-_][0-9a-z]+)*$/i;
const HEX_RUN = /^[0-9a-f]{8,}$/i;

/** Every UUID in logs, JSON, JSONL, URLs or terminal output. Never reports anything invalid. */
export function findIdsInText(text: string): ExtractedIds {
  const seen = new Set<string>();
  for (const match of text.matchAll(UUID_IN_TEXT)) {
    seen.add(match[0].toLowerCase());
  }
  return { ids: [...seen], invalid: [] };
}

/**
 * A list typed or pasted into an input box. Every token that is neither a UUID nor contains one
 * (a URL or `id=<uuid>` is taken for the id it holds) is reported invalid.
 */
export function parseTypedIds(input: string): ExtractedIds {
  const ids = new Set<string>();
  const invalid = new Set<string>();
  for (const token of input.split(TYPED_SEPARATORS)) {
    if (token === '') {
      continue;
    }
    const exact = normaliseSessionId(token);
    if (exact) {
      ids.add(exact);
      continue;
    }
    const embedded = findIdsInText(token).ids;
    if (embedded.length === 0) {
      invalid.add(token);
    }
    for (const id of embedded) {
      ids.add(id);
    }
  }
  return { ids: [...ids], invalid: [...invalid] };
}

/**
 * Ids from text whose kind is not known (selection, clipboard). When every token is a UUID, holds
 * one, or is id-shaped (`abc-123`, a truncated UUID), the text is a typed list and the id-shaped
 * rest is reported invalid; otherwise it is prose or a log, searched without reporting.
 */
export function extractSessionIds(text: string): ExtractedIds {
  return looksLikeTypedList(text) ? parseTypedIds(text) : findIdsInText(text);
}

function looksLikeTypedList(text: string): boolean {
  for (const token of text.split(TYPED_SEPARATORS)) {
    if (token === '' || normaliseSessionId(token)) {
      continue;
    }
    if (findIdsInText(token).ids.length > 0) {
      continue;
    }
    if (!isIdShaped(token)) {
      return false;
    }
  }
  return true;
}

/** `abc-123`, `0f1e2d3c-4b5a`, `deadbeef`, `42`: not plain words such as `Created` or `session`. */
function isIdShaped(token: string): boolean {
  if (!ID_SHAPED.test(token)) {
    return false;
  }
  return /[-_0-9]/.test(token) || HEX_RUN.test(token);
}

/** One usable line of the tracking file. */
export interface TrackingEntry {
  /** Normalised session id. */
  id: string;
  /** 1-based line number in the whole file. */
  line: number;
  /** From `label`, or else `run`. */
  label?: string;
  integration?: string;
  vendorData?: string;
}

/**
 * A line (or a field of it) that was ignored. It never holds the line's content: a tracking-file
 * pattern may match a file of another kind (a `.env` file), whose lines hold passwords.
 */
export interface TrackingLineProblem {
  line: number;
  reason: string;
}

/** `line 3 ignored (not valid JSON)`, or for a field `line 3: "label" ignored (not a string)`. */
export function describeTrackingProblem(problem: TrackingLineProblem): string {
  const field = /^("[^"]*") ignored: (.*)$/.exec(problem.reason);
  return field ? `line ${problem.line}: ${field[1]} ignored (${field[2]})` : `line ${problem.line} ignored (${problem.reason})`;
}

export interface TrackingParseResult {
  entries: TrackingEntry[];
  /** Lines that hold no usable id; the file is still read past them. */
  malformed: TrackingLineProblem[];
  /** Lines whose id was taken but an optional field was ignored (wrong type). */
  warnings: TrackingLineProblem[];
  /** Characters of `text` consumed: everything up to and including the last line break. */
  consumedChars: number;
  /** The same position in UTF-8 bytes, for resuming a byte-offset read of the file. */
  consumedBytes: number;
  /** Line number of the first line not consumed: pass it as `fromLine` when resuming. */
  nextLine: number;
  /** The unterminated last line (being written), left for the next read; undefined if none. */
  partialLine?: string;
}

export interface TrackingParseOptions {
  /**
   * Treat an unterminated last line as complete (a one-off import of a file that is not being
   * written). Default false: it stays unconsumed so a watcher can re-read it once it grows.
   */
  final?: boolean;
}

/**
 * Parses the tracking file (`.veriff-sessions.jsonl`) from `text`, whose first line is line
 * `fromLine` of the file. Each line is a JSON object with an `id` (optional `label` or `run`,
 * `integration`, `vendorData`; Veriff's own create response `{"verification":{"id":…}}` is
 * accepted too), a JSON string, or a bare id. Blank lines are skipped; CRLF is accepted.
 */
export function parseTrackingFileLines(
  text: string,
  fromLine = 1,
  options: TrackingParseOptions = {},
): TrackingParseResult {
  const result: TrackingParseResult = {
    entries: [],
    malformed: [],
    warnings: [],
    consumedChars: 0,
    consumedBytes: 0,
    nextLine: fromLine,
  };
  // A byte order mark needs no special case: trim() removes U+FEFF along with other whitespace.
  let start = 0;
  let line = fromLine;
  while (start < text.length) {
    const newline = text.indexOf('\n', start);
    if (newline === -1 && !options.final) {
      result.partialLine = text.slice(start);
      break;
    }
    const end = newline === -1 ? text.length : newline;
    parseLine(text.slice(start, end), line, result);
    line++;
    start = end + 1;
  }
  result.consumedChars = Math.min(start, text.length);
  result.consumedBytes = Buffer.byteLength(text.slice(0, result.consumedChars), 'utf8');
  result.nextLine = line;
  return result;
}

function parseLine(raw: string, line: number, result: TrackingParseResult): void {
  const trimmed = raw.trim();
  if (trimmed === '') {
    return;
  }
  const first = trimmed.charCodeAt(0);
  // '{', '[' or '"': JSON; anything else is a bare id.
  if (first !== 0x7b && first !== 0x5b && first !== 0x22) {
    addBareId(trimmed, line, result);
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    problem(result.malformed, line, 'not valid JSON');
    return;
  }
  if (typeof value === 'string') {
    addBareId(value, line, result);
    return;
  }
  if (!isRecord(value)) {
    problem(result.malformed, line, 'not a JSON object');
    return;
  }
  const record = value;
  const rawId = record.id ?? nestedVerificationId(record);
  if (rawId === undefined) {
    problem(result.malformed, line, 'no "id" field');
    return;
  }
  const id = typeof rawId === 'string' ? normaliseSessionId(rawId) : undefined;
  if (!id) {
    problem(result.malformed, line, '"id" is not a UUID');
    return;
  }
  const entry: TrackingEntry = { id, line };
  const label = textField(record, 'label', true, line, result) ?? textField(record, 'run', true, line, result);
  if (label !== undefined) {
    entry.label = label;
  }
  const integration = textField(record, 'integration', false, line, result);
  if (integration !== undefined) {
    entry.integration = integration;
  }
  const vendorData = textField(record, 'vendorData', false, line, result);
  if (vendorData !== undefined) {
    entry.vendorData = vendorData;
  }
  result.entries.push(entry);
}

/** A line that is just an id (bare, or a JSON string). */
function addBareId(raw: string, line: number, result: TrackingParseResult): void {
  const id = normaliseSessionId(raw);
  if (id) {
    result.entries.push({ id, line });
  } else {
    problem(result.malformed, line, 'not a session id (expected a UUID or a JSON object with "id")');
  }
}

function nestedVerificationId(record: Record<string, unknown>): unknown {
  const verification = record.verification;
  return isRecord(verification) ? verification.id : undefined;
}

/**
 * A string field, trimmed except `vendorData` (kept verbatim); numbers too when `allowNumber`
 * (`"run": 42`). Blank counts as absent; any other type is ignored with a warning.
 */
function textField(
  record: Record<string, unknown>,
  key: string,
  allowNumber: boolean,
  line: number,
  result: TrackingParseResult,
): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'string') {
    if (value.trim() === '') {
      return undefined;
    }
    return key === 'vendorData' ? value : value.trim();
  }
  if (allowNumber && typeof value === 'number' && Number.isFinite(value)) {
    return String(value);
  }
  problem(result.warnings, line, `"${key}" ignored: not a string`);
  return undefined;
}

function problem(list: TrackingLineProblem[], line: number, reason: string): void {
  list.push({ line, reason });
}
