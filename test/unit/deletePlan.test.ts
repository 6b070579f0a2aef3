import * as assert from 'node:assert/strict';
import {
  DELETE_STATUS_MAX_AGE_MS,
  type DeleteCandidate,
  classifyDeleteOutcome,
  continueAfter,
  failureCode,
  needsStatusCheck,
  planDelete,
} from '../../src/core/deletePlan';
import { explainVeriffError } from '../../src/core/errors';
import type { DeletedSession, Outcome } from '../../src/core/http/outcomes';
import type { SessionStatus } from '../../src/core/status';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const id = (n: number) => `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
const fresh = (n: number, status: SessionStatus): DeleteCandidate => ({ id: id(n), status, statusFetchedAt: NOW - 1000 });

function veriffError(http: number, code?: string): Outcome<DeletedSession> {
  return { kind: 'veriffError', http, ...(code ? { code } : {}), message: 'x', explanation: explainVeriffError(http, code), signature: 'valid' };
}

describe('delete plan', () => {
  describe('needsStatusCheck', () => {
    it('wants a GET for unknown, never fetched or older than the short limit; not for gone', () => {
      assert.equal(needsStatusCheck({ id: id(1), status: 'unknown' }, NOW), true);
      assert.equal(needsStatusCheck({ id: id(1), status: 'approved' }, NOW), true, 'never fetched');
      assert.equal(needsStatusCheck({ id: id(1), status: 'approved', statusFetchedAt: NOW - DELETE_STATUS_MAX_AGE_MS }, NOW), false);
      assert.equal(needsStatusCheck({ id: id(1), status: 'approved', statusFetchedAt: NOW - DELETE_STATUS_MAX_AGE_MS - 1 }, NOW), true);
      assert.equal(needsStatusCheck({ id: id(1), status: 'gone', statusFetchedAt: NOW - 86_400_000 }, NOW), false, '404 is final');
      assert.equal(DELETE_STATUS_MAX_AGE_MS <= 120_000, true, 'a short time');
    });
  });

  describe('planDelete', () => {
    it('sends every fresh deletable status and nothing Veriff would refuse', () => {
      const statuses: SessionStatus[] = ['created', 'started', 'approved', 'declined', 'resubmission_requested', 'expired', 'abandoned', 'submitted', 'review', 'gone'];
      const candidates = statuses.map((s, i) => fresh(i, s));
      const plan = planDelete(candidates, { now: NOW });
      assert.deepEqual(
        plan.send.map((c) => c.status),
        ['created', 'started', 'approved', 'declined', 'resubmission_requested', 'expired', 'abandoned'],
      );
      assert.deepEqual(
        plan.notSent.map((n) => [n.candidate.status, n.reason]),
        [
          ['submitted', 'processing'],
          ['review', 'processing'],
          ['gone', 'gone'],
        ],
      );
    });

    it('does not send a session whose status is still unknown or stale (the check failed)', () => {
      const plan = planDelete(
        [
          { id: id(1), status: 'unknown' },
          { id: id(2), status: 'approved', statusFetchedAt: NOW - 10 * 60_000 },
          { id: id(3), status: 'submitted', statusFetchedAt: NOW - 10 * 60_000 },
        ],
        { now: NOW },
      );
      assert.deepEqual(plan.send, []);
      assert.deepEqual(
        plan.notSent.map((n) => n.reason),
        ['statusUnavailable', 'statusUnavailable', 'processing'],
      );
    });

    it('does not send an unknown status even right after a fetch (a status Veriff added that the extension does not know)', () => {
      const plan = planDelete([{ id: id(1), status: 'unknown', statusFetchedAt: NOW }], { now: NOW });
      // isStatusStale treats `unknown` as stale even when fetched: it is not sent blind.
      assert.deepEqual(plan.notSent.map((n) => n.reason), ['statusUnavailable']);
    });

    it('drops duplicates, skips ids in flight and keeps the order given', () => {
      const plan = planDelete([fresh(3, 'approved'), fresh(1, 'created'), fresh(3, 'approved'), fresh(2, 'declined')], {
        now: NOW,
        inFlight: new Set([id(1)]),
      });
      assert.deepEqual(plan.send.map((c) => c.id), [id(3), id(2)]);
      assert.deepEqual(plan.notSent.map((n) => [n.candidate.id, n.reason]), [[id(1), 'inFlight']]);
    });

    it('sends only what the budget allows now; the rest is "budget"', () => {
      const candidates = [fresh(1, 'approved'), fresh(2, 'approved'), fresh(3, 'submitted'), fresh(4, 'approved')];
      const plan = planDelete(candidates, { now: NOW, available: 2 });
      assert.deepEqual(plan.send.map((c) => c.id), [id(1), id(2)]);
      assert.deepEqual(plan.notSent.map((n) => [n.candidate.id, n.reason]), [
        [id(3), 'processing'],
        [id(4), 'budget'],
      ]);
      assert.deepEqual(planDelete(candidates, { now: NOW, available: 0 }).send, []);
      assert.deepEqual(planDelete(candidates, { now: NOW, available: -3 }).send, []);
    });
  });

  describe('classifyDeleteOutcome', () => {
    it('maps every answer to what happens to the tracked session', () => {
      assert.deepEqual(classifyDeleteOutcome({ kind: 'ok', value: { id: id(1) }, http: 200, signature: 'valid' }), { kind: 'deleted' });
      assert.equal(classifyDeleteOutcome(veriffError(404, '1101')).kind, 'alreadyGone');
      const r1305 = classifyDeleteOutcome(veriffError(400, '1305'));
      assert.equal(r1305.kind, 'refused');
      assert.equal(r1305.kind === 'refused' && r1305.status, 'submitted');
      const r1306 = classifyDeleteOutcome(veriffError(400, '1306'));
      assert.equal(r1306.kind === 'refused' && r1306.status, 'started');
      assert.equal(classifyDeleteOutcome(veriffError(401, '1812')).kind, 'credentials');
      assert.equal(classifyDeleteOutcome(veriffError(403, '1301')).kind, 'credentials');
      assert.equal(classifyDeleteOutcome(veriffError(400, '1104')).kind, 'failed');
      assert.equal(classifyDeleteOutcome(veriffError(500, '1101')).kind, 'failed');
      const limited = classifyDeleteOutcome({
        kind: 'rateLimited',
        http: 429,
        code: '1004',
        message: 'Too many requests.',
        retryAfterMs: 30_000,
        explanation: explainVeriffError(429, '1004'),
        signature: 'valid',
      });
      assert.equal(limited.kind, 'rateLimited');
      assert.equal(limited.kind === 'rateLimited' && limited.retryAfterMs, 30_000);
      for (const outcome of [
        { kind: 'network', message: 'ECONNRESET', causeCode: 'ECONNRESET' },
        { kind: 'timeout', message: 'No answer' },
        { kind: 'malformed', http: 200, message: 'cut off', signature: 'missing' },
        { kind: 'cancelled' },
        { kind: 'invalidInput', message: 'not a UUID' },
      ] as Outcome<DeletedSession>[]) {
        assert.equal(classifyDeleteOutcome(outcome).kind, 'failed', outcome.kind);
      }
    });

    it('continues a batch only after per-session answers (never after 401, 429 or a network failure)', () => {
      const kinds = (o: Outcome<DeletedSession>) => continueAfter(classifyDeleteOutcome(o));
      assert.equal(kinds({ kind: 'ok', value: { id: id(1) }, http: 200, signature: 'valid' }), true);
      assert.equal(kinds(veriffError(404, '1101')), true);
      assert.equal(kinds(veriffError(400, '1305')), true);
      assert.equal(kinds(veriffError(400, '1306')), true);
      assert.equal(kinds(veriffError(401, '1812')), false);
      assert.equal(kinds(veriffError(500, '1101')), false);
      assert.equal(kinds({ kind: 'timeout', message: 't' }), false);
      assert.equal(kinds({ kind: 'network', message: 'n' }), false);
    });

    it('failureCode: Veriff code, else HTTP status, else the network cause, else the kind', () => {
      assert.equal(failureCode(veriffError(500, '1101') as never), '1101');
      assert.equal(failureCode({ kind: 'malformed', http: 502, message: 'x', signature: 'missing' }), 502);
      assert.equal(failureCode({ kind: 'network', message: 'x', causeCode: 'ECONNREFUSED' }), 'ECONNREFUSED');
      assert.equal(failureCode({ kind: 'timeout', message: 'x' }), 'timeout');
    });
  });
});
