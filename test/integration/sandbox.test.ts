import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { TrackedSession } from '../../src/core/sessions';
import { VeriffClient } from '../../src/core/veriffClient';
import { runDemo } from '../../src/vscode/sandbox/demo';
import { LocalSandbox, type RunningSandbox } from '../../src/vscode/sandbox/localSandbox';
import type { Services } from '../../src/vscode/services';
import { EXTENSION_ID, extensionApi, removeAllIntegrations, services, until, withUser } from './helpers';

const SIMULATION_LABELS = [
  'Approve',
  'Decline',
  'Request Resubmission',
  'Submit (processing)',
  'Put in Review',
  'Expire',
  'Abandon',
  'Start (end user in flow)',
];

async function sandboxFile(s: Services): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(s.context.globalStorageUri, 'sandbox.json')));
  } catch {
    return undefined;
  }
}

async function deleteSandboxFile(s: Services): Promise<void> {
  await vscode.workspace.fs.delete(vscode.Uri.joinPath(s.context.globalStorageUri, 'sandbox.json')).then(undefined, () => undefined);
}

/** Polls until `check` holds (the sandbox saves its file shortly after a change). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

function tracked(s: Services, id: string): TrackedSession {
  const integration = s.sandbox.running?.integration ?? s.sandbox.integration();
  const session = integration && s.sessions.store.get(integration.id, id);
  assert.ok(session, `session ${id} is tracked`);
  return session;
}

describe('local sandbox', function () {
  this.timeout(60000);
  let s: Services;
  const created: string[] = [];

  before(async () => {
    s = await services();
    await s.sandbox.stop();
    await removeAllIntegrations();
    await deleteSandboxFile(s);
    await vscode.workspace.getConfiguration('veriff.sandbox').update('persistState', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('veriff.sandbox').update('port', undefined, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await s.sandbox.stop();
    await vscode.workspace.getConfiguration('veriff.sandbox').update('persistState', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('veriff.sandbox').update('port', undefined, vscode.ConfigurationTarget.Global);
    await removeAllIntegrations();
    await deleteSandboxFile(s);
  });

  it('starts by command on 127.0.0.1 and switches to a "Local Sandbox" integration whose key and secret are only in SecretStorage', async () => {
    const url = await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<string>('veriff.startSandbox');
      assert.match(user.messages('info').join('\n'), /sandbox is running and is now the active integration: http:\/\/127\.0\.0\.1:\d+/);
      return result;
    });
    const running = s.sandbox.running;
    assert.ok(running, 'the sandbox runs');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(running.url, url);
    const active = s.credentials.active();
    assert.equal(active?.name, 'Local Sandbox');
    assert.equal(active?.sandbox, true);
    assert.equal(active?.apiUrl, url);
    assert.equal(s.sandbox.isActive(), true);
    const secrets = await s.credentials.getSecrets(active!);
    assert.match(secrets!.apiKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.match(secrets!.sharedSecret, /^[0-9a-f]{64}$/);
    assert.equal(running.state.getIntegration(secrets!.apiKey)?.sharedSecret, secrets!.sharedSecret, 'the sandbox accepts exactly these credentials');
    assert.equal(running.state.listIntegrations().length, 1);
    const globalState = JSON.stringify(s.context.globalState.keys().map((k) => s.context.globalState.get(k)));
    assert.ok(!globalState.includes(secrets!.sharedSecret) && !globalState.includes(secrets!.apiKey));

    // Starting again finds it running: same server, same URL.
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.startSandbox'), url);
      assert.match(user.messages('info').join('\n'), /already running/);
    });
    assert.equal(s.sandbox.running?.server, running.server);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.equal((await extensionApi()).testing?.isSandboxLoaded(), true, 'starting it loaded the sandbox server');
    assert.ok(ext && require.cache[path.join(ext.extensionPath, 'dist', 'sandbox.js')], 'from dist/sandbox.js');
  });

  it('creates sessions through the real signed client and simulates decisions by arguments and by quick pick on a multi-selection', async () => {
    const running = s.sandbox.running!;
    for (const n of [1, 2, 3, 4]) {
      const id = await withUser([], () => vscode.commands.executeCommand<string>('veriff.createTestSession', { vendorData: `sandbox-${n}`, label: 'Sandbox run' }));
      assert.ok(id, 'a session was created');
      created.push(id);
    }
    const posts = running.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sessions');
    assert.equal(posts.length, 4);
    assert.ok(posts.every((r) => r.status === 201 && r.apiKey === running.credentials.apiKey), 'signed with the sandbox credentials and accepted');
    assert.deepEqual(running.state.listSessions().map((x) => x.id), created);
    assert.ok(created.every((id) => tracked(s, id).status === 'created' && tracked(s, id).label === 'Sandbox run'));

    // By arguments (sessionId, status).
    assert.deepEqual(await withUser([], () => vscode.commands.executeCommand('veriff.simulateDecision', created[0], 'approved')), [created[0]]);
    assert.equal(running.state.getSession(created[0])?.status, 'approved');
    assert.equal(tracked(s, created[0]).status, 'approved');

    // From the tree: the clicked row and the multi-selection, answered through the quick pick.
    const rows = [created[1], created[2]].map((id) => ({ kind: 'session', session: tracked(s, id) })); // as the tree passes them
    await withUser([{ pick: 'Submit (processing)' }], async (user) => {
      assert.deepEqual(await vscode.commands.executeCommand('veriff.simulateDecision', rows[0], rows), [created[1], created[2]]);
      const pick = user.shown.find((x) => x.kind === 'quickPick');
      assert.deepEqual(pick?.detail.map((d) => d.split(' — ')[0]), SIMULATION_LABELS);
    });
    assert.deepEqual([created[1], created[2]].map((id) => running.state.getSession(id)?.status), ['submitted', 'submitted']);
    assert.deepEqual([created[1], created[2]].map((id) => tracked(s, id).status), ['submitted', 'submitted']);

    await withUser([{ pick: 'Start (end user in flow)' }], () => vscode.commands.executeCommand('veriff.simulateDecision', { kind: 'session', session: tracked(s, created[3]) }));
    assert.equal(running.state.getSession(created[3])?.status, 'started');
    assert.equal(running.state.getSession(created[3])?.inFlow, true);
    assert.equal(tracked(s, created[3]).status, 'started');

    // Bare, from the palette: pick the sessions, then what happens to them.
    await withUser([{ pick: [created[3]] }, { pick: 'Abandon' }], () => vscode.commands.executeCommand('veriff.simulateDecision'));
    assert.equal(running.state.getSession(created[3])?.status, 'abandoned');
    assert.equal(running.state.getSession(created[3])?.inFlow, false);
    assert.equal(tracked(s, created[3]).status, 'abandoned');
    await withUser([{ pick: [created[3]] }, { pick: 'Start (end user in flow)' }], () => vscode.commands.executeCommand('veriff.simulateDecision'));
    assert.equal(running.state.getSession(created[3])?.inFlow, true);

    // An id the sandbox does not know is left alone, with a message.
    await withUser([], async (user) => {
      assert.deepEqual(await vscode.commands.executeCommand('veriff.simulateDecision', '0a0b0c0d-0000-4000-8000-0000000000aa', 'approved'), []);
      assert.match(user.messages('warning').join('\n'), /not sessions of the running local sandbox/);
    });

    // What the real signed GETs report agrees with the store.
    const connection = (await s.access.connect())!;
    for (const id of created) {
      const outcome = await connection.client.getStatus(id);
      assert.equal(outcome.kind === 'ok' && outcome.signature === 'valid' ? outcome.value : outcome.kind, tracked(s, id).status);
    }
  });

  it('refreshes the tracked statuses from the sandbox', async () => {
    const running = s.sandbox.running!;
    running.state.setStatus(created[0], 'declined'); // changed behind the extension's back
    const before = running.server.requests.length;
    await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions'));
    await until('the refreshed status reaches the store', () => tracked(s, created[0]).status === 'declined');
    assert.ok(running.server.requests.slice(before).some((r) => r.method === 'GET' && r.path.includes(created[0])));
    running.state.setStatus(created[0], 'approved');
    await withUser([], () => vscode.commands.executeCommand('veriff.simulateDecision', created[0], 'approved'));
  });

  it('refuses a request signed with the wrong secret with 1812 and changes nothing', async () => {
    const running = s.sandbox.running!;
    const body = JSON.stringify({ verification: { vendorData: 'wrong-secret' } });
    const wrong = (payload: string) => createHmac('sha256', 'not-the-sandbox-secret').update(payload).digest('hex');
    const before = running.state.listSessions().length;
    const post = await fetch(`${running.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-AUTH-CLIENT': running.credentials.apiKey, 'X-HMAC-SIGNATURE': wrong(body) },
      body,
    });
    assert.equal(post.status, 401);
    assert.equal(Number(((await post.json()) as { code: unknown }).code), 1812);
    const del = await fetch(`${running.url}/v1/sessions/${created[0]}`, {
      method: 'DELETE',
      headers: { 'X-AUTH-CLIENT': running.credentials.apiKey, 'X-HMAC-SIGNATURE': wrong(created[0]) },
    });
    assert.equal(del.status, 401);
    assert.equal(Number(((await del.json()) as { code: unknown }).code), 1812);
    assert.equal(running.state.listSessions().length, before, 'nothing created or deleted');
    assert.equal(running.state.deleteBudget(running.credentials.apiKey).usedLastHour, 0, 'no delete slot taken');
  });

  it('deletes an approved session from the tree and refuses a submitted one without spending budget', async () => {
    const running = s.sandbox.running!;
    const approved = { kind: 'session', session: tracked(s, created[0]) };
    await withUser([{ confirm: 'Delete' }], () => vscode.commands.executeCommand('veriff.deleteSession', approved, [approved]));
    assert.equal(running.state.getSession(created[0]), undefined, 'gone from the sandbox');
    assert.equal(running.server.deleteRequests(running.credentials.apiKey).filter((r) => r.status === 200).length, 1);
    const integrationId = running.integration.id;
    assert.ok(!s.sessions.store.get(integrationId, created[0]) || s.sessions.store.get(integrationId, created[0])?.status === 'gone');
    assert.equal(running.state.deleteBudget(running.credentials.apiKey).usedLastHour, 1);

    // Veriff is still processing a submitted session: the extension knows and sends nothing.
    const submitted = { kind: 'session', session: tracked(s, created[1]) };
    await withUser([], () => vscode.commands.executeCommand('veriff.deleteSession', submitted, [submitted]));
    assert.equal(running.state.getSession(created[1])?.status, 'submitted', 'still in the sandbox');
    assert.equal(running.server.deleteRequests().filter((r) => r.path.includes(created[1])).length, 0, 'no DELETE sent for it');
    assert.equal(running.state.deleteBudget(running.credentials.apiKey).usedLastHour, 1, 'no budget spent');
  });

  it('"Copy Sandbox Environment" puts the three variables on the clipboard, and they work', async () => {
    const running = s.sandbox.running!;
    await vscode.env.clipboard.writeText('nothing yet');
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.copySandboxEnv'), true);
      const shown = user.messages().join('\n');
      assert.match(shown, /Copied VERIFF_API_URL, VERIFF_API_KEY and VERIFF_SHARED_SECRET/);
      assert.ok(!shown.includes(running.credentials.sharedSecret) && !shown.includes(running.credentials.apiKey), 'the message shows neither key nor secret');
    });
    const text = await vscode.env.clipboard.readText();
    assert.equal(
      text,
      `VERIFF_API_URL=${running.url} VERIFF_API_KEY=${running.credentials.apiKey} VERIFF_SHARED_SECRET=${running.credentials.sharedSecret}`,
    );
    // A test suite given these variables talks to the sandbox.
    const env = Object.fromEntries(text.split(' ').map((pair) => pair.split('=') as [string, string]));
    const client = new VeriffClient({ apiUrl: env.VERIFF_API_URL, apiKey: env.VERIFF_API_KEY, sharedSecret: env.VERIFF_SHARED_SECRET });
    try {
      const outcome = await client.createSession({ vendorData: 'from-copied-env' });
      assert.equal(outcome.kind, 'ok');
      assert.equal(outcome.kind === 'ok' && outcome.signature, 'valid');
      assert.equal(outcome.kind === 'ok' && running.state.getSession(outcome.value.id)?.vendorData, 'from-copied-env');
    } finally {
      await client.close();
    }
  });

  it('stopping frees the port; a restart restores the saved state without the secret on disk', async () => {
    const running = s.sandbox.running!;
    const sessionsBefore = running.state.listSessions();
    const budgetBefore = running.state.deleteBudget(running.credentials.apiKey);
    const port = running.port;
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.stopSandbox'), true);
      assert.match(user.messages('status').join('\n'), /sandbox stopped/);
    });
    assert.equal(s.sandbox.running, undefined);
    assert.equal(await canListen(port), true, `port ${port} is free right after the stop`);
    await assert.rejects(fetch(`${running.url}/v1/sessions/${created[1]}/decision`));

    const file = await sandboxFile(s);
    assert.ok(file, 'sandbox.json was written');
    assert.ok(!file.includes(running.credentials.sharedSecret), 'the shared secret is not in the file');
    assert.ok(!file.toLowerCase().includes(running.credentials.apiKey.toLowerCase()), 'the API key is not in the file');
    assert.ok(sessionsBefore.every((x) => file.includes(x.id)));

    await withUser([], () => vscode.commands.executeCommand('veriff.startSandbox'));
    const restarted = s.sandbox.running!;
    assert.notEqual(restarted.server, running.server);
    assert.equal(restarted.url, running.url, 'the previous port is reused when free');
    assert.equal(restarted.restoredSessions, sessionsBefore.length);
    assert.deepEqual(restarted.credentials, running.credentials);
    assert.deepEqual(
      restarted.state.listSessions().map((x) => [x.id, x.status, x.inFlow]),
      sessionsBefore.map((x) => [x.id, x.status, x.inFlow]),
    );
    assert.equal(restarted.state.deleteBudget(restarted.credentials.apiKey).usedLastHour, budgetBefore.usedLastHour);
    const connection = (await s.access.connect())!;
    const outcome = await connection.client.getStatus(created[1]);
    assert.equal(outcome.kind === 'ok' ? outcome.value : outcome.kind, 'submitted');
  });

  it('a sandbox.json of an earlier version (API key in plain text) keeps only a fingerprint from the next activation on, and its sessions', async () => {
    const running = s.sandbox.running!;
    const ids = running.state.listSessions().map((x) => x.id);
    const key = running.credentials.apiKey;
    await s.sandbox.stop();
    const current = JSON.parse((await sandboxFile(s))!);
    const fingerprint = current.integrations[0].apiKey as string;
    assert.match(fingerprint, /^sha256:[0-9a-f]{64}$/);
    // What an earlier version wrote: the same file with the key in plain text.
    const legacy = JSON.stringify(current).split(fingerprint).join(key);
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(s.context.globalStorageUri, 'sandbox.json'), new TextEncoder().encode(legacy));
    const activated = new LocalSandbox(s.context, s.log, s.credentials); // stands for the next activation
    try {
      await until('the file to lose the plain-text key', async () => !(await sandboxFile(s))!.includes(key));
      // The log line follows the write: wait for it too.
      await until('the migration log line', () => s.log.recent().some((l) => /sandbox\.json held the API key in plain text; it now holds only its fingerprint/.test(l)));
      assert.ok(!s.log.recent().join('\n').includes(key), 'the log does not show the key');
      const { sandbox } = await activated.start();
      assert.deepEqual(sandbox.credentials, running.credentials);
      assert.deepEqual(sandbox.state.listSessions().map((x) => x.id), ids);
      await activated.stop();
    } finally {
      activated.dispose();
      // The next tests start from a running sandbox, also when this one failed.
      await withUser([], () => vscode.commands.executeCommand('veriff.startSandbox'));
    }
  });

  it('re-registers when the saved state does not match the stored credentials, keeping the sessions', async () => {
    const old = s.sandbox.running!;
    const ids = old.state.listSessions().map((x) => x.id);
    await s.sandbox.stop();
    await s.credentials.remove(old.integration.id); // SecretStorage lost the sandbox's credentials
    await withUser([], () => vscode.commands.executeCommand('veriff.startSandbox'));
    const running = s.sandbox.running!;
    assert.notEqual(running.credentials.apiKey, old.credentials.apiKey, 'new credentials were generated');
    assert.deepEqual(running.state.listIntegrations().map((i) => i.apiKey), [running.credentials.apiKey]);
    assert.deepEqual(running.state.listSessions().map((x) => x.id), ids);
    assert.ok(running.state.listSessions().every((x) => x.apiKey === running.credentials.apiKey));
    // The old credentials no longer work; the new ones do.
    const stale = new VeriffClient({ apiUrl: running.url, apiKey: old.credentials.apiKey, sharedSecret: old.credentials.sharedSecret });
    try {
      const refused = await stale.getStatus(ids[0]);
      assert.equal(refused.kind, 'veriffError');
    } finally {
      await stale.close();
    }
    const connection = (await s.access.connect())!;
    const outcome = await connection.client.getStatus(ids[0]);
    assert.equal(outcome.kind, 'ok');
  });

  it('with "veriff.sandbox.persistState" off, nothing is restored or written', async () => {
    await s.sandbox.stop();
    await vscode.workspace.getConfiguration('veriff.sandbox').update('persistState', false, vscode.ConfigurationTarget.Global);
    const fileBefore = await sandboxFile(s);
    await withUser([], () => vscode.commands.executeCommand('veriff.startSandbox'));
    const running = s.sandbox.running!;
    assert.equal(running.restoredSessions, 0);
    assert.equal(running.state.listSessions().length, 0);
    running.server.seedSession(running.credentials.apiKey, { status: 'approved' });
    await s.sandbox.stop();
    assert.equal(await sandboxFile(s), fileBefore, 'the file is untouched');
    await vscode.workspace.getConfiguration('veriff.sandbox').update('persistState', undefined, vscode.ConfigurationTarget.Global);
  });

  it('a busy "veriff.sandbox.port" gives a clear message and starts nothing', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await vscode.workspace.getConfiguration('veriff.sandbox').update('port', port, vscode.ConfigurationTarget.Global);
      await withUser([], async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.startSandbox'), undefined);
        assert.match(user.messages('error').join('\n'), new RegExp(`Port ${port} is not available.*veriff\\.sandbox\\.port`));
      });
      assert.equal(s.sandbox.running, undefined);
    } finally {
      await vscode.workspace.getConfiguration('veriff.sandbox').update('port', undefined, vscode.ConfigurationTarget.Global);
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('"Simulate Decision…" while the sandbox is stopped offers to start it, without waiting on the offer', async () => {
    assert.equal(s.sandbox.running, undefined);
    await withUser([], async (user) => {
      // "Copy Sandbox Environment" offers the start too, and returns while its offer is still open.
      assert.equal(await vscode.commands.executeCommand('veriff.copySandboxEnv'), false);
      assert.equal(user.openNotifications, 1);
      user.dismissAll();
    });
    assert.equal(s.sandbox.running, undefined, 'dismissed: nothing started');
    await withUser([{ message: 'Start Local Sandbox' }, { pick: 'Approve' }], async () => {
      const id = created[1];
      // The command returns at once; the button starts the sandbox and runs the simulation again.
      assert.equal(await vscode.commands.executeCommand('veriff.simulateDecision', id), undefined);
      await until('the simulation after the start', () => s.sandbox.running?.state.getSession(id)?.status === 'approved', 20000);
    });
    const restarted = s.sandbox.running as RunningSandbox | undefined; // not narrowed by the assert above: the command started it
    assert.equal(restarted?.state.getSession(created[1])?.status, 'approved');
  });

  it('a window reload brings a running sandbox back on its port with its sessions; after an explicit stop it stays off', async () => {
    await s.sandbox.stop();
    // Separate instances stand for the extension before and after the reload.
    const before = new LocalSandbox(s.context, s.log, s.credentials);
    const { sandbox } = await before.start();
    const id = sandbox.server.seedSession(sandbox.credentials.apiKey, { status: 'declined' }).id;
    before.dispose(); // shutdown: the state must be on disk before anything else runs
    const file = await sandboxFile(s);
    assert.ok(file?.includes(id), 'saved synchronously at shutdown');
    await until('the port is free', () => canListen(sandbox.port));

    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(sandbox.port, '127.0.0.1', resolve));
    const otherWindow = new LocalSandbox(s.context, s.log, s.credentials);
    try {
      assert.equal(await otherWindow.resume(), undefined, 'its port is taken (another window): nothing starts');
    } finally {
      otherWindow.dispose();
      await new Promise((resolve) => blocker.close(resolve));
    }

    const after = new LocalSandbox(s.context, s.log, s.credentials);
    try {
      const resumed = await after.resume();
      assert.equal(resumed?.url, sandbox.url);
      assert.deepEqual(resumed?.credentials, sandbox.credentials);
      assert.equal(resumed?.state.getSession(id)?.status, 'declined');
      assert.equal(await after.stop(), true);
    } finally {
      after.dispose();
    }
    const afterStop = new LocalSandbox(s.context, s.log, s.credentials);
    try {
      assert.equal(await afterStop.resume(), undefined, 'stopped by the user: not resumed');
    } finally {
      afterStop.dispose();
    }
  });

  it('demo mode creates six sample sessions in different states through the signed client and tracks them, once', async () => {
    await s.sandbox.stop();
    await deleteSandboxFile(s);
    await removeAllIntegrations();
    const ids = await runDemo(s);
    const running = s.sandbox.running!;
    assert.equal(ids.length, 6);
    assert.deepEqual(
      ids.map((id) => running.state.getSession(id)?.status),
      ['approved', 'declined', 'submitted', 'expired', 'created', 'review'],
    );
    assert.deepEqual(
      ids.map((id) => [tracked(s, id).label, tracked(s, id).source, tracked(s, id).status]),
      ids.map((id) => ['Demo run', 'created', running.state.getSession(id)?.status]),
    );
    const posts = running.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sessions' && r.status === 201);
    assert.equal(posts.length, 6, 'created through POST /v1/sessions');
    // A second activation (window reload) keeps them instead of making more.
    assert.deepEqual(await runDemo(s), ids);
    assert.equal(running.state.listSessions().length, 6);
  });
});
