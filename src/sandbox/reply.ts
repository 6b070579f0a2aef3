// An answer of the sandbox and how it goes on the wire, signed like Veriff signs (or, for a fault,
// unsigned or wrongly signed).
import type { ServerResponse } from 'node:http';
import { sign } from '../core/signing';
import { isRecord } from '../core/typeGuards';
import { parseJson } from './requestInput';
import type { SandboxIntegration } from './sessionModel';

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  /** Signs the answer with this integration's secret. */
  integration?: SandboxIntegration;
  /** The body's `code`, kept by json() so the request log need not parse the body it just wrote. */
  code?: number | string;
}

/** How an answer to a known integration is signed: properly, not at all, or with a wrong signature. */
export type ReplySigning = 'signed' | 'missing' | 'wrong';

export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML_TYPE = 'text/html; charset=utf-8';

export function json(status: number, value: unknown, integration?: SandboxIntegration): Reply {
  const code = isRecord(value) ? value.code : undefined;
  return { status, body: JSON.stringify(value), contentType: JSON_TYPE, integration, code: typeof code === 'number' || typeof code === 'string' ? code : undefined };
}

export function ok(value: unknown, integration: SandboxIntegration): Reply {
  return json(200, value, integration);
}

export function fail(status: number, code: number, message: string, integration?: SandboxIntegration): Reply {
  return json(status, { status: 'fail', code, message }, integration);
}

export function notFound(integration: SandboxIntegration | undefined): Reply {
  return fail(404, 1101, 'Resource not found', integration);
}

export function bodyCode(reply: Reply): number | string | undefined {
  if ('code' in reply) {
    return reply.code;
  }
  if (reply.contentType !== JSON_TYPE) {
    return undefined;
  }
  const parsed = parseJson(Buffer.from(reply.body, 'utf8'));
  const code = parsed.ok && isRecord(parsed.value) ? parsed.value.code : undefined;
  return typeof code === 'number' || typeof code === 'string' ? code : undefined;
}

export function sendReply(res: ServerResponse, reply: Reply, signing: ReplySigning): void {
  if (res.destroyed || res.headersSent) {
    return;
  }
  const body = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = {
    'Content-Type': reply.contentType,
    'Content-Length': body.length,
    ...reply.headers,
  };
  if (reply.integration) {
    headers['X-AUTH-CLIENT'] = reply.integration.apiKey;
    if (signing !== 'missing') {
      const signature = sign(body, reply.integration.sharedSecret);
      headers['X-HMAC-SIGNATURE'] = signing === 'wrong' ? corrupt(signature) : signature;
    }
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

function corrupt(signature: string): string {
  return signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0');
}
