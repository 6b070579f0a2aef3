import type { Dispatcher } from 'undici';

/** Largest answer read. Veriff's answers are a few KiB; anything bigger is not Veriff (or is hostile). */
export const MAX_RESPONSE_MIB = 1;
export const MAX_RESPONSE_BYTES = MAX_RESPONSE_MIB * 1024 * 1024;

/**
 * The body, read chunk by chunk up to MAX_RESPONSE_BYTES; undefined (the body destroyed, so the
 * connection closes and nothing more is read) as soon as it is known to be larger: by its
 * Content-Length, or by counting.
 */
export async function readCapped(body: Dispatcher.ResponseData['body'], contentLength: string | undefined): Promise<Buffer | undefined> {
  if (contentLength !== undefined && Number(contentLength) > MAX_RESPONSE_BYTES) {
    body.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
