// Reading what a client sent: the body (bounded), JSON, headers and path segments.
import type { IncomingMessage } from 'node:http';

/** Largest request body the server reads; larger bodies get 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const NO_BODY: { body: Buffer; tooLarge: boolean } = Object.freeze({ body: Buffer.alloc(0), tooLarge: false });

/**
 * Reads the body up to MAX_BODY_BYTES; beyond that it drains the rest so the client can read the 413.
 * A request whose headers say it has none (no Content-Length or 0, no Transfer-Encoding: a GET, a
 * DELETE) resolves at once, without setting up a read.
 */
export function readBody(req: IncomingMessage): Promise<{ body: Buffer; tooLarge: boolean }> {
  const length = req.headers['content-length'];
  if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
    return Promise.resolve(NO_BODY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
      }
      if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

export function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
