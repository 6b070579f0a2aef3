import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { queueAttemptResult, recordDeleteResult } from '../../src/core/deleteOutcome';
import { classifyDeleteOutcome } from '../../src/core/deletePlan';
import { explainVeriffError } from '../../src/core/errors';
import type { DeletedSession, Outcome } from '../../src/core/http/outcomes';
import { SessionStore } from '../../src/core/store/sessionStore';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const A = 'aaaaaaaa-0000-4000-8000-000000000000';

function veriffError(http: number, code?: string): Outcome<DeletedSession> {
  return { kind: 'veriffError', http, ...(code ? { code } : {}), message: 'x', explanation: explainVeriffError(http, code), signature: 'valid' };
}

function trackedStore(): SessionStore {
  const store = new SessionStore({ clock: new ManualClock(NOW - 60_000) });
  store.add('test', [A], { source: 'typed' });
  return store;
}

const describeText = (failure: { kind: string }) => `text of ${failure.kind}`;

describe('delete outcome', () => {
  describe('recordDeleteResult', () => {
    it('stops tracking a deleted or already gone session', () => {
      for (const outcome of [{ kind: 'ok', value: {}, http: 200, signature: 'valid' } as unknown as Outcome<DeletedSession>, veriffError(404)]) {
        const store = trackedStore();
        recordDeleteResult(store, 'test', A, classifyDeleteOutcome(outcome), describeText, NOW);
        assert.equal(store.get('test', A), undefined);
      }
    });

    it('gives a refused session the status the refusal implies, with the refusal on its row', () => {
      const store = trackedStore();
      recordDeleteResult(store, 'test', A, classifyDeleteOutcome(veriffError(400, '1305')), describeText, NOW);
      const session = store.get('test', A);
      assert.equal(session?.status, 'submitted');
      assert.equal(session?.statusFetchedAt, NOW);
      assert.equal(session?.lastError?.message, 'text of veriffError');
      assert.equal(session?.lastError?.code, '1305');
    });

    it('keeps a session whose DELETE failed otherwise, with the error and its code on the row', () => {
      const store = trackedStore();
      recordDeleteResult(store, 'test', A, classifyDeleteOutcome(veriffError(401)), describeText, NOW);
      assert.equal(store.get('test', A)?.lastError?.code, 401);
      recordDeleteResult(store, 'test', A, classifyDeleteOutcome({ kind: 'network', message: 'x', causeCode: 'ECONNREFUSED' }), describeText, NOW);
      assert.equal(store.get('test', A)?.lastError?.code, 'ECONNREFUSED');
      assert.equal(store.get('test', A)?.status, 'unknown');
    });
  });

  describe('queueAttemptResult', () => {
    const attempt = (outcome: Outcome<DeletedSession>) => queueAttemptResult(classifyDeleteOutcome(outcome), 'why');

    it('maps per-session answers to done-with results', () => {
      assert.deepEqual(attempt({ kind: 'ok', value: {}, http: 200, signature: 'valid' } as unknown as Outcome<DeletedSession>), { kind: 'deleted' });
      assert.deepEqual(attempt(veriffError(404)), { kind: 'gone' });
      assert.deepEqual(attempt(veriffError(400, '1306')), { kind: 'notDeletable', reason: 'why' });
      assert.deepEqual(attempt(veriffError(400)), { kind: 'notDeletable', reason: 'why' }, 'another 4xx is about this session');
      assert.deepEqual(attempt({ kind: 'invalidInput', message: 'bad id' }), { kind: 'notDeletable', reason: 'why' });
    });

    it('keeps the 429 wait, never retries bad credentials, retries what may pass', () => {
      assert.deepEqual(attempt({ kind: 'rateLimited', http: 429, retryAfterMs: 5000 } as unknown as Outcome<DeletedSession>), { kind: 'rateLimited', retryAfterMs: 5000 });
      assert.deepEqual(attempt(veriffError(429)), { kind: 'rateLimited' });
      assert.deepEqual(attempt(veriffError(403)), { kind: 'failed', retryable: false, reason: 'why' });
      assert.deepEqual(attempt(veriffError(503)), { kind: 'failed', retryable: true, reason: 'why' });
      assert.deepEqual(attempt({ kind: 'timeout', message: 'x' }), { kind: 'failed', retryable: true, reason: 'why' });
    });
  });
});
