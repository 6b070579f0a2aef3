import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { sign } from '../../src/core/signing';
import type { VeriffStatus } from '../../src/core/status';
import type { DeleteSummary } from '../../src/vscode/commands/sessions/deleteSession';
import { apiKeyFingerprint } from '../../src/vscode/credentials';
import type { Services } from '../../src/vscode/services';
import type { SessionNode } from '../../src/vscode/sessionArgs';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import type { ScriptedUserInput } from '../support/scriptedUserInput';
import { clearBudgetState } from './budgetHarness';
import { removeAllIntegrations, services, withUser } from './helpers';

const DELETE = 'Delete';

function clearStore(s: Services): void {
  for (const integrationId of s.sessions.store.integrationIds()) {
    s.sessions.store.remove(integrationId, s.sessions.store.list(integrationId).map((x) => x.id));
  }
}

function nodeOf(s: Services, id: string): SessionNode {
  const tree = s.sessionTree!;
  for (const group of tree.getChildren()) {
    const node = (tree.getChildren(group) as SessionNode[]).find((n) => n.session.id === id);
    if (node) {
      return node;
    }
  }
  throw new Error(`session ${id} is not in the tree`);
}

function del(...args: unknown[]): Thenable<DeleteSummary | undefined> {
  return vscode.commands.executeCommand<DeleteSummary | undefined>('veriff.deleteSession', ...args);
}

function confirms(user: ScriptedUserInput): string[] {
  return user.shown.filter((x) => x.kind === 'confirm').map((x) => x.text);
}

describe('delete sessions', () => {
  let mock: MockVeriff;
  let s: Services;
  let integrationId: string;

  /**
   * Seeds a session in the mock and tracks it. `known`: the store already has this status, fetched
   * just now (so no GET precedes the DELETE); otherwise its status is unknown to the extension.
   */
  function track(status: VeriffStatus | 'missing', opts: { known?: VeriffStatus; inFlow?: boolean } = {}): string {
    const id = status === 'missing' ? randomUUID() : mock.server.seedSession(mock.apiKey, { status, inFlow: opts.inFlow }).id;
    s.sessions.store.add(integrationId, [id], { source: 'typed', label: 'run-1' });
    if (opts.known) {
      s.sessions.store.updateStatus(integrationId, id, opts.known, s.clock.now());
    }
    return id;
  }

  const deletes = () => mock.server.deleteRequests();
  const atServer = (id: string) => mock.server.state.getSession(id) !== undefined;
  const tracked = (id: string) => s.sessions.store.get(integrationId, id);

  async function useCredentials(sharedSecret = mock.sharedSecret): Promise<void> {
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret }),
    );
    integrationId = s.credentials.active()!.id;
  }

  beforeEach(async () => {
    s = await services();
    await removeAllIntegrations();
    clearStore(s);
    // Every mock starts with the same canary API key: each test starts with its full delete budget.
    await clearBudgetState(s);
    await s.budgetService!.reload();
    mock = await startMockVeriff();
    await useCredentials();
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('veriff').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    clearStore(s);
    await mock.server.close();
  });

  after(removeAllIntegrations);

  it('deletes the right-clicked row after the cost confirmation with one correctly signed DELETE (status checked first)', async () => {
    const id = track('approved');
    const other = track('approved');
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(nodeOf(s, id), [nodeOf(s, id)]);
      assert.deepEqual(summary?.deleted, [id]);
      assert.equal(confirms(user)[0], `Delete session ${id.slice(0, 8)}? This uses 1 of the 5 deletes left this hour (10 left today).\nIntegration: Test`);
      assert.match(user.messages('status').join('\n'), new RegExp(`Deleted session ${id.slice(0, 8)}`));
      assert.deepEqual(user.messages(), [], 'a routine delete shows no toast: the row goes, a status-bar note says so');
    });
    const sent = deletes();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].path, `/v1/sessions/${id}`);
    assert.equal(sent[0].apiKey, mock.apiKey);
    assert.equal(sent[0].signature, sign(id, mock.sharedSecret));
    assert.equal(sent[0].status, 200);
    const paths = mock.server.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [`GET /v1/sessions/${id}/decision`, `DELETE /v1/sessions/${id}`], 'the unknown status was fetched before spending a delete');
    assert.equal(atServer(id), false);
    assert.equal(tracked(id), undefined, 'removed from the store');
    assert.ok(tracked(other), 'the other session stays');
    assert.ok(!s.sessionTree!.getChildren().some((g) => g.kind === 'group' && g.sessions.some((x) => x.id === id)), 'and from the tree');
  });

  it('sends no DELETE for a hopeless session (submitted, review, gone) and says why', async () => {
    const submitted = track('submitted');
    const review = track('review');
    const gone = track('missing');
    for (const [id, expected] of [
      [submitted, /still processing it \(submitted\)/],
      [review, /still processing it \(in review\)/],
      [gone, /already gone at Veriff/],
    ] as const) {
      await withUser([], async (user) => {
        const summary = await del(id);
        assert.equal(summary?.deleted.length, 0);
        assert.match([...user.messages(), ...user.messages('status')].join('\n'), expected);
        assert.deepEqual(confirms(user), [], 'no confirmation for nothing');
      });
    }
    assert.equal(deletes().length, 0, 'not one DELETE');
    assert.equal(tracked(submitted)?.status, 'submitted');
    assert.equal(tracked(review)?.status, 'review');
    assert.equal(tracked(gone), undefined, 'a gone session is no longer tracked');
    // Known hopeless and fresh: not even a GET.
    const before = mock.server.requests.length;
    await withUser([], () => del(submitted));
    assert.equal(mock.server.requests.length, before);
  });

  it('404 on DELETE: removed from the store as already gone, and the user is told', async () => {
    const id = track('missing', { known: 'approved' });
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(id);
      assert.deepEqual(summary?.alreadyGone, [id]);
      assert.match(user.messages('status').join('\n'), /already gone at Veriff \(404/);
    });
    assert.equal(deletes().length, 1);
    assert.equal(deletes()[0].status, 404);
    assert.equal(tracked(id), undefined);
  });

  it('1305 and 1306: the status is updated, the reason shown, the session kept', async () => {
    const processing = track('submitted', { known: 'approved' });
    const inFlow = track('started', { known: 'started', inFlow: true });
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(processing);
      assert.deepEqual(summary?.refused, [processing]);
      assert.match(user.messages('warning').join('\n'), /refused to delete session .* not in a completed status/i);
    });
    assert.equal(tracked(processing)?.status, 'submitted');
    assert.equal(tracked(processing)?.lastError?.code, '1305');
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(inFlow);
      assert.deepEqual(summary?.refused, [inFlow]);
      assert.match(user.messages('warning').join('\n'), /in the verification flow right now/);
    });
    assert.equal(tracked(inFlow)?.status, 'started');
    assert.equal(tracked(inFlow)?.lastError?.code, '1306');
    assert.deepEqual(
      deletes().map((r) => r.code),
      [1305, 1306],
    );
    assert.ok(atServer(processing) && atServer(inFlow));
  });

  it('401 (wrong shared secret): kept, error on the row, credentials fix offered', async () => {
    const id = track('approved', { known: 'approved' });
    await useCredentials('a-wrong-shared-secret-123');
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(id);
      assert.deepEqual(summary?.failed, [id]);
      const error = user.shown.find((x) => x.kind === 'error');
      assert.ok(error, 'an error message');
      assert.match(error.text, /401.*1812/);
      assert.ok(error.detail.includes('Set API Credentials'), `buttons: ${error.detail.join(', ')}`);
    });
    assert.equal(deletes().length, 1);
    assert.equal(deletes()[0].status, 401);
    assert.equal(tracked(id)?.lastError?.code, '1812');
    assert.ok(atServer(id));
    // The status check failing on 401 also sends nothing and offers the fix.
    const unknown = track('approved');
    await withUser([], async (user) => {
      await del(unknown);
      const error = user.shown.find((x) => x.kind === 'error');
      assert.match(error?.text ?? '', /Nothing was deleted/);
      assert.ok(error?.detail.includes('Set API Credentials'));
    });
    assert.equal(deletes().length, 1, 'no DELETE when the status could not be checked');
  });

  it('429: reported, the delete gate told, the rest of the batch not sent', async () => {
    const ids = [track('approved', { known: 'approved' }), track('approved', { known: 'approved' }), track('approved', { known: 'approved' })];
    const key = apiKeyFingerprint(mock.apiKey);
    mock.server.injectFault(
      { kind: 'status', status: 429, body: { status: 'fail', code: 1004, message: 'Too many requests.' }, headers: { 'Retry-After': '120' } },
      { method: 'DELETE' },
    );
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(nodeOf(s, ids[0]), ids.map((id) => nodeOf(s, id)));
      assert.deepEqual(summary?.failed, [ids[0]]);
      assert.deepEqual(
        summary?.notSent.map((n) => n.reason),
        ['stopped', 'stopped'],
      );
      assert.match(user.messages('error').join('\n'), /Deleted 0 of 3.*429/);
    });
    assert.equal(deletes().length, 1, 'a 429 stops the batch');
    const remaining = s.budgetService!.remaining(key);
    assert.equal(remaining.hour, 4, 'the one DELETE sent counts');
    assert.ok(remaining.blockedUntil !== undefined && remaining.blockedUntil - Date.now() > 100_000, 'the 429 blocks the key for its Retry-After');
    assert.equal(tracked(ids[0])?.lastError?.code, '1004');
  });

  for (const [name, fault, code] of [
    ['500', 'http500', '1101'],
    ['a dropped connection', 'drop', 'UND_ERR_SOCKET'],
    ['a malformed answer', 'malformedJson', 200],
  ] as const) {
    it(`${name}: kept with the error on the row, never retried`, async () => {
      const id = track('approved', { known: 'approved' });
      mock.server.injectFault(fault, { method: 'DELETE' });
      await withUser([{ confirm: DELETE }], async (user) => {
        const summary = await del(id);
        assert.deepEqual(summary?.failed, [id]);
        assert.match(user.messages('error').join('\n'), /was not deleted and stays tracked/);
      });
      assert.equal(deletes().length, 1, 'one DELETE, no automatic retry');
      assert.ok(tracked(id), 'nothing lost');
      assert.equal(tracked(id)?.status, 'approved');
      if (fault === 'drop') {
        assert.ok(tracked(id)?.lastError, 'error recorded');
      } else {
        assert.equal(tracked(id)?.lastError?.code, code);
      }
    });
  }

  it('a timeout: kept with the error on the row, never retried', async () => {
    await vscode.workspace.getConfiguration('veriff').update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    const id = track('approved', { known: 'approved' });
    mock.server.injectFault({ kind: 'delay', ms: 3000 }, { method: 'DELETE' });
    // The request log has answered requests only; count arrivals at the HTTP server.
    const http = (mock.server as unknown as { server: import('node:http').Server }).server;
    const arrived: string[] = [];
    http.on('request', (req) => arrived.push(`${req.method} ${req.url}`));
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(id);
      assert.deepEqual(summary?.failed, [id]);
      assert.match(user.messages('error').join('\n'), /within 1 s/);
    });
    assert.equal(tracked(id)?.lastError?.code, 'timeout');
    assert.equal(tracked(id)?.status, 'approved', 'kept as it was');
    assert.deepEqual(arrived, [`DELETE /v1/sessions/${id}`], 'one DELETE, no automatic retry');
  });

  it('ignores a second invocation for the same session while one is in flight (no double spend)', async () => {
    const id = track('approved');
    await withUser([{ confirm: DELETE }], async () => {
      const node = nodeOf(s, id);
      const [first, second] = await Promise.all([del(node, [node]), del(node, [node])]);
      assert.deepEqual(first?.deleted, [id]);
      assert.deepEqual(second?.ignored, [id]);
      assert.deepEqual(second?.deleted, []);
    });
    assert.equal(deletes().length, 1);
  });

  it('deletes a multi-selection: hopeless ones left out, one summary', async () => {
    const a = track('approved');
    const b = track('submitted');
    const c = track('expired');
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(nodeOf(s, c), [nodeOf(s, a), nodeOf(s, b), nodeOf(s, c)]);
      assert.deepEqual(summary?.deleted, [a, c]);
      assert.deepEqual(summary?.notSent, [{ id: b, reason: 'processing' }]);
      assert.match(confirms(user)[0], /^Delete 2 sessions\? This uses 2 of the 5 deletes left this hour \(10 left today\)\./);
      assert.match(confirms(user)[0], /Not sent: 1 still being processed/);
      assert.match(user.messages('warning').join('\n'), /Deleted 2 of 3 sessions\. Not sent: 1 still being processed/);
    });
    assert.deepEqual(
      deletes().map((r) => r.path),
      [`/v1/sessions/${a}`, `/v1/sessions/${c}`],
    );
    assert.ok(deletes().every((r) => r.signature === sign(r.path.split('/').pop()!, mock.sharedSecret)));
    assert.ok(tracked(b));
  });

  it('from the palette: a quick pick of tracked sessions, deletable first, that also takes a pasted untracked id', async () => {
    const submitted = track('submitted', { known: 'submitted' });
    const approved = track('approved', { known: 'approved' });
    await withUser([{ pick: approved }, { confirm: DELETE }], async (user) => {
      const summary = await del();
      assert.deepEqual(summary?.deleted, [approved]);
      const pick = user.shown.find((x) => x.kind === 'quickPick')!;
      assert.match(pick.detail[0], new RegExp(`${approved} — approved · now`), 'deletable first, with status and age');
      assert.match(pick.detail[1], new RegExp(`${submitted} — submitted`));
    });
    const untracked = mock.server.seedSession(mock.apiKey, { status: 'declined' }).id;
    await withUser([{ typed: `  ${untracked.toUpperCase()} ` }, { confirm: DELETE }], async () => {
      const summary = await del();
      assert.deepEqual(summary?.deleted, [untracked]);
    });
    assert.equal(atServer(untracked), false);
    assert.deepEqual(
      deletes().map((r) => r.path),
      [`/v1/sessions/${approved}`, `/v1/sessions/${untracked}`],
    );
    // Cancelling the pick sends nothing.
    await withUser(['cancel'], () => del());
    assert.equal(deletes().length, 2);
  });

  it('deletes by id argument (a string or a list)', async () => {
    const a = track('approved');
    const b = track('created');
    const c = track('declined');
    await withUser([{ confirm: DELETE }], () => del(a));
    await withUser([{ confirm: DELETE }], async () => {
      const summary = await del([b, c]);
      assert.deepEqual(summary?.deleted, [b, c]);
    });
    assert.equal(deletes().length, 3);
    await withUser([], async (user) => {
      assert.equal(await del('not-an-id'), undefined);
      assert.match(user.messages('error')[0], /not a session id/);
    });
  });

  it('declining the confirmation sends nothing; with confirmBeforeDelete off there is no modal', async () => {
    const id = track('approved');
    await withUser([{ confirm: undefined }], async () => {
      const summary = await del(id);
      assert.equal(summary?.declined, true);
    });
    assert.equal(deletes().length, 0);
    assert.ok(tracked(id));
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', false, vscode.ConfigurationTarget.Global);
    await withUser([], async (user) => {
      const summary = await del(id);
      assert.deepEqual(summary?.deleted, [id]);
      assert.deepEqual(confirms(user), []);
    });
    assert.equal(deletes().length, 1);
  });

  it('asks the budget: only what it allows is sent, with its cost in the confirmation; the ledger is keyed by a fingerprint', async () => {
    const ids = [track('approved', { known: 'approved' }), track('approved', { known: 'approved' })];
    const key = apiKeyFingerprint(mock.apiKey);
    const budget = s.budgetService!;
    for (let i = 0; i < 4; i++) {
      assert.equal((await budget.reserve(key)).granted, true);
    }
    await withUser([{ confirm: DELETE }], async (user) => {
      const summary = await del(ids);
      assert.deepEqual(summary?.deleted, [ids[0]]);
      assert.deepEqual(summary?.notSent, [{ id: ids[1], reason: 'budget' }]);
      assert.match(confirms(user)[0], /This uses 1 of the 1 deletes left this hour.*over the delete budget/s);
    });
    assert.equal(deletes().length, 1);
    assert.equal(budget.remaining(key).hour, 0);
    assert.ok(!JSON.stringify(budget.ledger.toJSON()).includes(mock.apiKey), 'the ledger holds a fingerprint, never the API key');
  });

  it('resolves within 1 s of Veriff\'s answer while its notification is still open, and deleting again while it is open acts', async () => {
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', false, vscode.ConfigurationTarget.Global);
    // Two: a bulk delete ends with a summary notification (a single one only notes it in the status bar).
    const ids = [track('approved', { known: 'approved' }), track('approved', { known: 'approved' })];
    const pipeline = s.pipeline;
    const send = pipeline.send.bind(pipeline);
    let answeredAt = 0;
    pipeline.send = async (...args) => {
      const step = await send(...args);
      answeredAt = Date.now();
      return step;
    };
    try {
      await withUser([], async (user) => {
        const summary = await del(ids);
        const resolvedAt = Date.now();
        assert.deepEqual(summary?.deleted, ids);
        assert.ok(resolvedAt - answeredAt <= 1000, `resolved ${resolvedAt - answeredAt} ms after the answer`);
        assert.ok(user.openNotifications >= 1, 'its notification is still open (pending, as in VS Code)');
        assert.match(user.messages('info').join('\n'), /Deleted 2 of 2 sessions/);
        const again = await del(ids);
        assert.deepEqual(again?.ignored, [], 'not ignored as "already being deleted"');
        assert.deepEqual(again?.notSent.map((n) => n.reason), ['gone', 'gone'], 'it checked: the sessions are gone at Veriff');
        assert.equal(again?.deleted.length, 0);
        user.dismissAll();
      });
    } finally {
      pipeline.send = send;
    }
    assert.equal(deletes().length, 2, 'the second call spends nothing on sessions that are gone');
  });

  it('an unsigned 200 to DELETE leaves the session tracked with "could not be verified" on its row', async () => {
    await vscode.workspace.getConfiguration('veriff').update('confirmBeforeDelete', false, vscode.ConfigurationTarget.Global);
    const id = track('approved', { known: 'approved' });
    mock.server.injectFault('missingSignature', { method: 'DELETE' });
    await withUser([], async (user) => {
      const summary = await del(id);
      assert.deepEqual(summary?.failed, [id]);
      assert.match(user.messages('error').join('\n'), /could not be verified/);
      user.dismissAll();
    });
    assert.ok(tracked(id), 'still tracked');
    assert.match(tracked(id)?.lastError?.message ?? '', /could not be verified/);
  });
});
