// Veriff's request authentication: the X-AUTH-CLIENT API key and the X-HMAC-SIGNATURE over the payload.
import { verifySignature } from '../core/signing';
import { fail, type Reply } from './reply';
import type { SandboxState } from './sandboxState';
import type { SandboxIntegration } from './sessionModel';

/** An API request as the routes see it. */
export interface ApiRequest {
  method: string;
  pathname: string;
  raw: Buffer;
  apiKey?: string;
  signature?: string;
}

export type Auth = { ok: true; integration: SandboxIntegration } | { ok: false; reply: Reply };

/** Checks the API key and, unless optional and absent, the signature of `payload` (the id for GET/DELETE, the body otherwise). */
export function authenticate(state: SandboxState, req: ApiRequest, payload: string | Buffer, signatureOptional: boolean): Auth {
  if (!req.apiKey) {
    return {
      ok: false,
      reply: fail(401, 1101, 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.'),
    };
  }
  const integration = state.getIntegration(req.apiKey);
  if (!integration) {
    return { ok: false, reply: fail(401, 1803, 'Integration not found.') };
  }
  if (signatureOptional && req.signature === undefined) {
    return { ok: true, integration };
  }
  if (!verifySignature(payload, req.signature, integration.sharedSecret)) {
    return { ok: false, reply: fail(401, 1812, 'Signature verification failed.', integration) };
  }
  return { ok: true, integration };
}

/** The caller's integration when its API key is known (to sign an error answer), without checking the signature. */
export function integrationOf(state: SandboxState, req: ApiRequest): SandboxIntegration | undefined {
  return req.apiKey ? state.getIntegration(req.apiKey) : undefined;
}
