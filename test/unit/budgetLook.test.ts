import * as assert from 'node:assert/strict';
import { budgetLook } from '../../src/core/budgetLook';
import { problemOfDeleteResult } from '../../src/core/budgetProblem';
import { classifyDeleteOutcome } from '../../src/core/deletePlan';
import { explainVeriffError } from '../../src/core/errors';
import type { DeletedSession, Outcome } from '../../src/core/http/outcomes';

const ID = '0a0b0c0d-0000-4000-8000-000000000001';

function veriffError(http: number, code?: string): Outcome<DeletedSession> {
  return { kind: 'veriffError', http, ...(code !== undefined ? { code } : {}), message: 'x', explanation: explainVeriffError(http, code), signature: 'valid' };
}

describe('budgetLook: how the status bar shows the delete budget', () => {
  it('no colour while deletes are left, even the last one', () => {
    assert.deepEqual(budgetLook({ available: 5 }), { tone: 'normal' });
    assert.deepEqual(budgetLook({ available: 1, nextFreeAt: 1000 }), { tone: 'normal' });
  });

  it('a spent budget is a warning with the moment the next delete may go (the later of window and 429 block)', () => {
    assert.deepEqual(budgetLook({ available: 0, nextFreeAt: 5000 }), { tone: 'warning', nextAt: 5000 });
    assert.deepEqual(budgetLook({ available: 0, nextFreeAt: 5000, blockedUntil: 9000 }), { tone: 'warning', nextAt: 9000 });
    assert.deepEqual(budgetLook({ available: 0, nextFreeAt: 9000, blockedUntil: 5000 }), { tone: 'warning', nextAt: 9000 });
  });

  it('error only for a problem the user must fix, whatever the figures', () => {
    assert.deepEqual(budgetLook({ available: 5 }, { kind: 'deleteNotEnabled' }), { tone: 'error' });
    assert.deepEqual(budgetLook({ available: 0, nextFreeAt: 5000 }, { kind: 'credentialsRefused', http: 401 }), { tone: 'error' });
    assert.deepEqual(budgetLook(undefined, { kind: 'credentialsUnreadable' }), { tone: 'error' });
  });
});

describe('problemOfDeleteResult: what a DELETE answer says about the integration', () => {
  const of = (outcome: Outcome<DeletedSession>) => problemOfDeleteResult(classifyDeleteOutcome(outcome, ID));

  it('403 code 1301 is "deletion not enabled"; other 401/403 are refused credentials', () => {
    assert.deepEqual(of(veriffError(403, '1301')), { kind: 'deleteNotEnabled' });
    assert.deepEqual(of(veriffError(401, '1812')), { kind: 'credentialsRefused', http: 401, code: '1812' });
    assert.deepEqual(of(veriffError(403)), { kind: 'credentialsRefused', http: 403 });
  });

  it('an answer about the session itself proves the integration works (null); 429, 5xx and network say nothing (undefined)', () => {
    assert.equal(of({ kind: 'ok', http: 200, value: { id: ID }, signature: 'valid' }), null);
    assert.equal(of(veriffError(404)), null);
    assert.equal(of(veriffError(400, '1305')), null);
    assert.equal(of({ kind: 'rateLimited', http: 429, message: 'x', explanation: explainVeriffError(429, '1004'), signature: 'valid' }), undefined);
    assert.equal(of(veriffError(500)), undefined);
    assert.equal(of({ kind: 'network', message: 'ECONNRESET' }), undefined);
  });
});
