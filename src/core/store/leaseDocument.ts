import * as os from 'node:os';
import { isFiniteNumber, isRecord } from '../typeGuards';
import type { DocumentCodec } from './jsonFile';

/**
 * `queue-lease.json`: which window works the delete queue. The holder renews it before it expires;
 * a holder that died stops renewing and its lease expires, or (same machine) is taken over at once
 * when its process is gone.
 */

export const LEASE_FILE = 'queue-lease.json';

export interface LeaseRecord {
  readonly holder: string;
  readonly pid: number;
  readonly host: string;
  readonly acquiredAt: number;
  readonly expiresAt: number;
}

export interface LeaseDocument {
  lease?: LeaseRecord;
}

export type LeaseResult =
  | { held: true; lease: LeaseRecord; takenOverFrom?: { holder: string; why: 'expired' | 'holderGone' | 'forced' } }
  | { held: false; lease: LeaseRecord };

export interface LeaseRequest {
  holder: string;
  ttlMs: number;
  /** Take it even from a living holder (the user asked this window to work the queue). */
  force?: boolean;
}

/** Whether a process of this machine is gone (false when unknown: then only expiry frees its lease). */
export function processGone(lease: LeaseRecord): boolean {
  if (lease.host !== os.hostname() || lease.pid === process.pid) {
    return false;
  }
  try {
    process.kill(lease.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function acquireOn(doc: LeaseDocument, request: LeaseRequest, now: number): LeaseResult {
  const current = doc.lease;
  const mine = current?.holder === request.holder;
  let why: 'expired' | 'holderGone' | 'forced' | undefined;
  if (current && !mine) {
    if (current.expiresAt <= now) {
      why = 'expired';
    } else if (processGone(current)) {
      why = 'holderGone';
    } else if (request.force) {
      why = 'forced';
    } else {
      return { held: false, lease: current };
    }
  }
  const lease: LeaseRecord = {
    holder: request.holder,
    pid: process.pid,
    host: os.hostname(),
    acquiredAt: mine && current ? current.acquiredAt : now,
    expiresAt: now + request.ttlMs,
  };
  doc.lease = lease;
  return current && why ? { held: true, lease, takenOverFrom: { holder: current.holder, why } } : { held: true, lease };
}

export function leaseCodec(): DocumentCodec<LeaseDocument> {
  return {
    decode: (json) => {
      if (!isRecord(json) || json.version !== 1) {
        return undefined;
      }
      const l = json.lease;
      if (
        isRecord(l) &&
        typeof l.holder === 'string' &&
        typeof l.host === 'string' &&
        Number.isInteger(l.pid) &&
        isFiniteNumber(l.acquiredAt) &&
        isFiniteNumber(l.expiresAt)
      ) {
        return { lease: { holder: l.holder, pid: l.pid as number, host: l.host, acquiredAt: l.acquiredAt, expiresAt: l.expiresAt } };
      }
      return {};
    },
    encode: (doc) => (doc.lease ? { version: 1, lease: doc.lease } : { version: 1 }),
    empty: () => ({}),
  };
}
