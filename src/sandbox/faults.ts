import type { ServerResponse } from 'node:http';
import { isRecord } from '../core/typeGuards';
import { HTML_TYPE, JSON_TYPE, fail, type Reply } from './reply';
import type { SandboxIntegration } from './sessionModel';

/**
 * A failure the server plays instead of (or on top of) its normal answer, for testing clients.
 * - `http500`: 500 `{status:'fail', code:1101, message:'Something went wrong'}`; the request is not processed.
 * - `drop`: the socket is destroyed without an answer; the request is not processed.
 * - `malformedJson`: 200 with a truncated, signed JSON body; the request is not processed.
 * - `html`: 502 text/html page as a proxy would send; the request is not processed.
 * - `missingSignature` / `wrongSignature`: the request is processed normally and answered
 *   without `X-HMAC-SIGNATURE` / with a wrong one.
 * - `{kind:'delay', ms}`: the request waits `ms` real milliseconds (or until `releaseDelays()`),
 *   then is processed normally.
 * - `{kind:'status', status, body, headers}`: an arbitrary answer (a string body is sent as is,
 *   anything else as JSON, signed when the API key is known); the request is not processed.
 * - `{kind:'largeBody', bytes, status?, contentLength?}`: a JSON answer of `bytes` bytes (status
 *   200 by default), streamed without building it in memory, with a Content-Length header only
 *   when `contentLength` is true; the request is not processed. The log entry's `bytesSent` says
 *   how much was written before the client stopped reading.
 */
export type SandboxFault =
  | 'http500'
  | 'drop'
  | 'malformedJson'
  | 'html'
  | 'missingSignature'
  | 'wrongSignature'
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'largeBody'; bytes: number; status?: number; contentLength?: boolean };

export type SandboxFaultKind = Exclude<SandboxFault, object> | Extract<SandboxFault, object>['kind'];

export interface FaultOptions {
  /** How many matching requests the fault applies to: default 1, `Infinity` for all. */
  times?: number;
  /** Only requests with this HTTP method (any case). */
  method?: string;
  /** Only requests whose path (with query) contains this text. */
  pathIncludes?: string;
}

interface QueuedFault {
  fault: SandboxFault;
  remaining: number;
  method?: string;
  pathIncludes?: string;
}

const PROXY_ERROR_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
const TRUNCATED_JSON = '{"status":"success","verification":{"id":"';
const SIMPLE_FAULTS: readonly string[] = ['http500', 'drop', 'malformedJson', 'html', 'missingSignature', 'wrongSignature'];

/** Faults waiting for requests: each request takes the first matching one, in injection order. */
export class FaultQueue {
  private queued: QueuedFault[] = [];

  /** Queues a fault for the next matching API requests. Throws on an unknown fault or a bad `times`. */
  inject(fault: SandboxFault, opts: FaultOptions = {}): void {
    const times = opts.times ?? 1;
    if (!(times === Infinity || (Number.isInteger(times) && times > 0))) {
      throw new Error('Fault times must be a positive integer or Infinity.');
    }
    if (!isFault(fault)) {
      throw new Error('Unknown fault.');
    }
    this.queued.push({ fault, remaining: times, method: opts.method?.toUpperCase(), pathIncludes: opts.pathIncludes });
  }

  /** The fault the next request with this method and path plays, if any (one use taken). */
  take(method: string, path: string): SandboxFault | undefined {
    const queued = this.queued.find(
      (f) => (f.method === undefined || f.method === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (!queued) {
      return undefined;
    }
    queued.remaining -= 1;
    if (queued.remaining <= 0) {
      this.queued = this.queued.filter((f) => f !== queued);
    }
    return queued.fault;
  }

  clear(): void {
    this.queued = [];
  }
}

/** The answer a fault gives instead of the normal one; undefined for faults that process the request (or stream). */
export function faultReply(fault: SandboxFault, integration: SandboxIntegration | undefined): Reply | undefined {
  if (typeof fault === 'object') {
    if (fault.kind !== 'status') {
      return undefined;
    }
    const body = typeof fault.body === 'string' ? fault.body : JSON.stringify(fault.body ?? null);
    return { status: fault.status, body, contentType: JSON_TYPE, headers: fault.headers, integration };
  }
  switch (fault) {
    case 'http500':
      return fail(500, 1101, 'Something went wrong', integration);
    case 'malformedJson':
      return { status: 200, body: TRUNCATED_JSON, contentType: JSON_TYPE, integration };
    case 'html':
      return { status: 502, body: PROXY_ERROR_PAGE, contentType: HTML_TYPE };
    default:
      return undefined;
  }
}

const LARGE_BODY_CHUNK = 64 * 1024;

/**
 * Writes `{"status":"success","padding":"xxx…"}` of exactly `fault.bytes` bytes, chunk by chunk
 * as the client reads, and stops when the client goes away; counts what was written in `entry`.
 */
export async function streamLargeBody(res: ServerResponse, fault: Extract<SandboxFault, { kind: 'largeBody' }>, entry: { bytesSent?: number }): Promise<void> {
  const head = '{"status":"success","padding":"';
  const tail = '"}';
  const headers: Record<string, string | number> = { 'Content-Type': JSON_TYPE };
  if (fault.contentLength) {
    headers['Content-Length'] = fault.bytes;
  }
  res.writeHead(fault.status ?? 200, headers);
  let remaining = fault.bytes - head.length - tail.length;
  const write = (text: string | Buffer): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed) {
        resolve(false);
        return;
      }
      const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
      const flushed = res.write(text);
      entry.bytesSent = (entry.bytesSent ?? 0) + size;
      if (flushed) {
        resolve(true);
        return;
      }
      const done = (ok: boolean): void => {
        res.off('drain', onDrain);
        res.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      res.on('drain', onDrain);
      res.on('close', onClose);
    });
  if (!(await write(head))) return;
  const chunk = Buffer.alloc(LARGE_BODY_CHUNK, 'x');
  while (remaining > 0) {
    const part = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
    remaining -= part.length;
    if (!(await write(part))) return;
  }
  if (await write(tail)) {
    res.end();
  }
}

function isFault(value: unknown): value is SandboxFault {
  if (typeof value === 'string') {
    return SIMPLE_FAULTS.includes(value);
  }
  if (!isRecord(value)) {
    return false;
  }
  if (value.kind === 'delay') {
    return typeof value.ms === 'number' && Number.isFinite(value.ms) && value.ms >= 0;
  }
  if (value.kind === 'largeBody') {
    return (
      typeof value.bytes === 'number' &&
      Number.isSafeInteger(value.bytes) &&
      value.bytes >= 64 &&
      (value.status === undefined || (typeof value.status === 'number' && Number.isInteger(value.status) && value.status >= 200 && value.status <= 599)) &&
      (value.contentLength === undefined || typeof value.contentLength === 'boolean')
    );
  }
  if (value.kind === 'status') {
    return (
      typeof value.status === 'number' &&
      Number.isInteger(value.status) &&
      value.status >= 100 &&
      value.status <= 599 &&
      (value.headers === undefined || (isRecord(value.headers) && Object.values(value.headers).every((v) => typeof v === 'string')))
    );
  }
  return false;
}
