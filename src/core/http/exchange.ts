// One HTTP request and its whole answer over undici's dispatch API: one deadline for the attempt,
// the caller's AbortSignal, and a body read into memory up to a cap. Veriff's answers are small and
// read whole, so the chunks go straight into a buffer; no response stream, async iterator or
// AbortController is built per request (they were most of the client's own time per DELETE).
import type { Dispatcher } from 'undici';
import { Headers, header } from './response';

/** Largest answer read. Veriff's answers are a few KiB; anything bigger is not Veriff (or is hostile). */
export const MAX_RESPONSE_MIB = 1;
export const MAX_RESPONSE_BYTES = MAX_RESPONSE_MIB * 1024 * 1024;

export interface ExchangeRequest {
  /** e.g. https://stationapi.veriff.com (an agent routes by it; a pool has only one). */
  origin: string;
  path: string;
  method: Dispatcher.HttpMethod;
  headers: Record<string, string>;
  body?: Buffer;
  /** The whole attempt's deadline, and undici's wait for the headers and between body chunks. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export type ExchangeResult =
  | { kind: 'answer'; status: number; headers: Headers; body: Buffer }
  /** Larger than MAX_RESPONSE_BYTES (by Content-Length or by counting): reading stopped, the connection closed. */
  | { kind: 'tooLarge'; status: number }
  /**
   * No complete answer. `status` is set when the headers had arrived (the body was cut off);
   * `stopped` when the deadline or the caller's signal ended it.
   */
  | { kind: 'failed'; error: unknown; status?: number; stopped?: 'timeout' | 'cancelled' };

/**
 * Sends the request and resolves with the complete answer or why there is none; never rejects.
 * The deadline and a cancel end it at once, also while the request waits in the pool; the request
 * is then aborted (never written if it had not started, else its connection is closed).
 */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest): Promise<ExchangeResult> {
  return new Promise((resolve) => {
    let controller: Dispatcher.DispatchController | undefined;
    let stopReason: Error | undefined;
    let status: number | undefined;
    let headers: Headers = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;

    const finish = (result: ExchangeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onCancel);
      resolve(result);
    };
    // Resolved first: aborting calls onResponseError at once, which must find the result settled.
    const end = (result: ExchangeResult, reason: Error): void => {
      if (done) return;
      stopReason = reason;
      finish(result);
      controller?.abort(reason);
    };
    const stop = (why: 'timeout' | 'cancelled', reason: Error): void =>
      end({ kind: 'failed', error: reason, stopped: why, ...(status !== undefined ? { status } : {}) }, reason);
    const tooLarge = (answered: number): void =>
      end({ kind: 'tooLarge', status: answered }, new Error(`answer larger than ${MAX_RESPONSE_MIB} MiB`));

    const timer = setTimeout(() => stop('timeout', new Error(`timed out after ${req.timeoutMs} ms`)), req.timeoutMs);
    const onCancel = (): void => stop('cancelled', req.signal?.reason instanceof Error ? req.signal.reason : new Error('cancelled'));
    req.signal?.addEventListener('abort', onCancel, { once: true });
    if (req.signal?.aborted) {
      onCancel();
      return;
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (stopReason) c.abort(stopReason);
      },
      onResponseStart(_c, statusCode, answerHeaders) {
        if (done || statusCode < 200) return; // 1xx: informational, the answer follows
        status = statusCode;
        headers = answerHeaders as Headers;
        const length = header(headers, 'content-length');
        if (length !== undefined && Number(length) > MAX_RESPONSE_BYTES) tooLarge(statusCode);
      },
      onResponseData(_c, chunk) {
        if (done || status === undefined) return;
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          tooLarge(status);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd() {
        if (status === undefined) {
          finish({ kind: 'failed', error: new Error('The answer ended without a status.') });
          return;
        }
        finish({ kind: 'answer', status, headers, body: Buffer.concat(chunks, size) });
      },
      onResponseError(_c, error) {
        finish({ kind: 'failed', error, ...(status !== undefined ? { status } : {}) });
      },
    };
    try {
      dispatcher.dispatch(
        { origin: req.origin, path: req.path, method: req.method, headers: req.headers, body: req.body, headersTimeout: req.timeoutMs, bodyTimeout: req.timeoutMs },
        handler,
      );
    } catch (error) {
      finish({ kind: 'failed', error });
    }
  });
}
