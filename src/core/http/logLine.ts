import { explainVeriffError } from '../errors';
import { UUID_SOURCE } from '../ids';
import type { ApiCallLogEntry } from './outcomes';

const UUID_IN_TEXT = new RegExp(UUID_SOURCE, 'gi');

/** `aea9ba6d-…-f72b6d3584a7` → `aea9…84a7`: enough to recognise a session in a log. */
function elidedId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 4)}…${id.slice(-4)}` : id;
}

function formatDuration(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

const KIND_HINTS: Partial<Record<ApiCallLogEntry['outcome'], string>> = {
  network: 'could not reach Veriff: check the network, the proxy settings and the API URL; nothing was changed unless the request had already arrived',
  timeout: 'no answer in time: Veriff may still have processed the request; refresh the status before trying again',
  malformed: 'the answer was not what Veriff sends: check the API URL and any proxy in between',
  cancelled: 'cancelled by the user',
  invalidInput: 'nothing was sent',
};

/**
 * One log line for a request, e.g.
 * `DELETE /v1/sessions/aea9…84a7 → 400 code 1305 "Session is not in a completed status." 12 ms, signature valid, key 1a2b… — <explanation>`.
 * Pure; the entry never holds secrets, and the API key appears only as the given masked prefix.
 */
export function formatLogLine(entry: ApiCallLogEntry, apiKeyMasked: string): string {
  const path = entry.path.replace(UUID_IN_TEXT, elidedId);
  const answer = entry.http !== undefined ? String(entry.http) : entry.outcome;
  const code = entry.code ? (entry.outcome === 'network' ? ` ${entry.code}` : ` code ${entry.code}`) : '';
  const message = entry.message ? ` "${entry.message}"` : '';
  const details = [`${formatDuration(entry.durationMs)} ms`, `signature ${entry.signature}`];
  if (entry.attempt > 1) {
    details.push(`attempt ${entry.attempt}`);
  }
  if (entry.proxy) {
    details.push(`via proxy ${entry.proxy}`);
  }
  details.push(`key ${apiKeyMasked}`);
  let line = `${entry.method} ${path} → ${answer}${code}${message} ${details.join(', ')}`;
  if (entry.outcome === 'veriffError' || entry.outcome === 'rateLimited') {
    const e = explainVeriffError(entry.http ?? 0, entry.code, entry.message);
    line += ` — ${e.meaning} ${e.fix}`;
  } else if (entry.outcome === 'malformed' && entry.http !== undefined && entry.http >= 500) {
    line += ` — ${KIND_HINTS.malformed}; HTTP ${entry.http} is a server-side failure, try again later`;
  } else if (KIND_HINTS[entry.outcome]) {
    line += ` — ${KIND_HINTS[entry.outcome]}`;
  }
  if (entry.signature === 'invalid') {
    line += ' (the answer\'s signature does not match the shared secret: the secret is wrong or something in between altered the answer)';
  }
  return line;
}
