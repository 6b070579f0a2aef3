// The sandbox's unauthenticated JSON test API under /__control/ (loopback clients only): seed
// sessions, move the clock, inject faults, read the request log. Endpoints: see VeriffServerOptions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ManualClock } from '../core/clock';
import { isRecord } from '../core/typeGuards';
import { isVeriffStatus, type VeriffStatus } from '../core/status';
import type { FaultOptions, SandboxFault } from './faults';
import { json, sendReply } from './reply';
import { parseJson, readBody, safeDecode } from './requestInput';
import type { RequestLogEntry } from './requestLog';
import type { SandboxState } from './sandboxState';
import type { SandboxIntegration, SandboxSession, SessionSeed } from './sessionModel';

/** What the control API steers (the VeriffServer). */
export interface ControlledServer {
  readonly state: SandboxState;
  readonly requests: RequestLogEntry[];
  reset(): void;
  seedSession(apiKey: string, seed?: SessionSeed): SandboxSession;
  injectFault(fault: SandboxFault, opts?: FaultOptions): void;
  clearFaults(): void;
  addIntegration(apiKey: string, sharedSecret: string, opts?: { deleteEnabled?: boolean }): SandboxIntegration;
}

export async function handleControlRequest(server: ControlledServer, req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<void> {
  const { body: raw, tooLarge } = await readBody(req);
  const reply = (status: number, value: unknown): void => sendReply(res, json(status, value), 'signed');
  if (!isLoopback(req.socket.remoteAddress)) {
    reply(403, { error: 'The control API answers loopback clients only.' });
    return;
  }
  const parsed = tooLarge ? { ok: false as const } : raw.length === 0 ? { ok: true as const, value: {} } : parseJson(raw);
  if (!parsed.ok || !isRecord(parsed.value)) {
    reply(400, { error: 'The body must be a JSON object.' });
    return;
  }
  try {
    const result = control(server, method, pathname.slice('/__control'.length), parsed.value);
    reply(result.status, result.body);
  } catch (err) {
    reply(400, { error: err instanceof Error ? err.message : String(err) });
  }
}

function control(server: ControlledServer, method: string, path: string, body: Record<string, unknown>): { status: number; body: unknown } {
  const statusMatch = /^\/sessions\/([^/]+)\/status$/.exec(path);
  if (method === 'POST' && statusMatch) {
    const id = safeDecode(statusMatch[1]);
    if (!server.state.getSession(id)) {
      return { status: 404, body: { error: 'No such session.' } };
    }
    if (body.status !== undefined) {
      server.state.setStatus(id, requireStatus(body.status));
    }
    if (body.inFlow !== undefined) {
      server.state.setInFlow(id, requireBoolean(body.inFlow, 'inFlow'));
    }
    return { status: 200, body: { session: server.state.getSession(id) } };
  }
  switch (`${method} ${path}`) {
    case 'GET /requests':
      return { status: 200, body: { requests: server.requests } };
    case 'POST /reset':
      server.reset();
      return { status: 200, body: { ok: true } };
    case 'POST /sessions': {
      const seed: SessionSeed = {};
      if (body.status !== undefined) seed.status = requireStatus(body.status);
      if (body.vendorData !== undefined) seed.vendorData = optionalString(body.vendorData, 'vendorData');
      if (body.id !== undefined) seed.id = optionalString(body.id, 'id') ?? undefined;
      if (body.inFlow !== undefined) seed.inFlow = requireBoolean(body.inFlow, 'inFlow');
      const session = server.seedSession(requireString(body.apiKey, 'apiKey'), seed);
      return { status: 201, body: { session } };
    }
    case 'POST /clock/advance': {
      const clock = server.state.clock;
      if (!(clock instanceof ManualClock)) {
        return { status: 409, body: { error: 'The server runs on the system clock.' } };
      }
      if (typeof body.ms !== 'number' || !Number.isFinite(body.ms)) {
        throw new Error('ms must be a finite number.');
      }
      clock.advance(body.ms);
      return { status: 200, body: { now: clock.now() } };
    }
    case 'POST /faults': {
      const times = body.times === 'Infinity' || body.times === null ? Infinity : body.times;
      server.injectFault(body.fault as SandboxFault, {
        times: times === undefined ? undefined : (times as number),
        method: body.method === undefined ? undefined : requireString(body.method, 'method'),
        pathIncludes: body.pathIncludes === undefined ? undefined : requireString(body.pathIncludes, 'pathIncludes'),
      });
      return { status: 201, body: { ok: true } };
    }
    case 'DELETE /faults':
      server.clearFaults();
      return { status: 200, body: { ok: true } };
    case 'POST /integrations': {
      const deleteEnabled = body.deleteEnabled === undefined ? undefined : requireBoolean(body.deleteEnabled, 'deleteEnabled');
      const integration = server.addIntegration(requireString(body.apiKey, 'apiKey'), requireString(body.sharedSecret, 'sharedSecret'), {
        deleteEnabled,
      });
      return { status: 201, body: { apiKey: integration.apiKey, deleteEnabled: integration.deleteEnabled } };
    }
    default:
      return { status: 404, body: { error: 'Unknown control endpoint.' } };
  }
}

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${name} must be a non-empty string.`);
  }
  return value;
}

function optionalString(value: unknown, name: string): string | null {
  if (value !== null && typeof value !== 'string') {
    throw new Error(`${name} must be a string or null.`);
  }
  return value;
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw new Error(`${name} must be true or false.`);
  }
  return value;
}

function requireStatus(value: unknown): VeriffStatus {
  if (!isVeriffStatus(value)) {
    throw new Error('status must be a Veriff session status.');
  }
  return value;
}
