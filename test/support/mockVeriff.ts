import { randomBytes } from 'node:crypto';
import { ManualClock } from '../../src/core/clock';
import { sign } from '../../src/core/signing';
import { SandboxState, VeriffServer } from '../../src/sandbox';

export * from '../../src/sandbox';
export { ManualClock } from '../../src/core/clock';

/** The fixed API key of the canary integration every mock starts with. */
export const CANARY_API_KEY = 'ca4a1e00-0000-4000-8000-00000000c0de';

export interface MockVeriff {
  server: VeriffServer;
  clock: ManualClock;
  apiKey: string;
  /** Random per run so a test can assert it never shows up in output. */
  sharedSecret: string;
}

export interface MockVeriffOptions {
  port?: number;
  controlApi?: boolean;
  sendRetryAfter?: boolean;
  clock?: ManualClock;
}

/** Starts a mock Veriff on 127.0.0.1 with a manual clock and one canary integration. Close it in `after`/`afterEach`. */
export async function startMockVeriff(opts: MockVeriffOptions = {}): Promise<MockVeriff> {
  const clock = opts.clock ?? new ManualClock();
  const state = new SandboxState({ clock, sendRetryAfter: opts.sendRetryAfter });
  const sharedSecret = `canary-secret-${randomBytes(8).toString('hex')}`;
  state.addIntegration(CANARY_API_KEY, sharedSecret);
  const server = await VeriffServer.start({ port: opts.port, state, controlApi: opts.controlApi });
  return { server, clock, apiKey: CANARY_API_KEY, sharedSecret };
}

/** Veriff auth headers for a raw request: the payload is the session id (GET/DELETE) or the exact body (POST/PATCH). */
export function signedHeaders(apiKey: string, secret: string, payload: string | Uint8Array): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-AUTH-CLIENT': apiKey,
    'X-HMAC-SIGNATURE': sign(payload, secret),
  };
}
