import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as os from 'node:os';
import { defaultLabel, type AddResult } from '../../src/core/sessions';
import type { SessionStoreJSON } from '../../src/core/store/sessionsFormat';
import { SessionStore } from '../../src/core/store/sessionStore';
import { LEGACY_SESSIONS_STATE_KEY, SessionRepository, type SessionRepositoryContext } from '../../src/vscode/storage/sessionRepository';
import { SharedStore } from '../../src/core/store/sharedStore';
import { sign } from '../../src/core/signing';
import type { Integration } from '../../src/vscode/credentials';
import type { Services } from '../../src/vscode/services';
import { TrackingFileWatcher } from '../../src/vscode/trackingFileWatcher';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { extensionApi, removeAllIntegrations, services, withUser } from './helpers';

const WORKSPACE = process.env.VERIFF_TEST_WORKSPACE ?? '';

/** Polls `get` until it returns something truthy; fails with `what` after the deadline. */
async function until<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function writeWorkspaceFile(relative: string, content: string): vscode.Uri {
  const file = path.join(WORKSPACE, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return vscode.Uri.file(file);
}

/** A context of another install: its own storage folder and global state. */
function fakeContext(state: Record<string, unknown>, folder = path.join(os.tmpdir(), `veriff-storage-${randomUUID()}`)): SessionRepositoryContext {
  const values = new Map(Object.entries(state));
  return {
    globalStorageUri: vscode.Uri.file(folder),
    globalState: {
      keys: () => [...values.keys()],
      get: <T>(key: string, defaultValue?: T) => (values.has(key) ? (values.get(key) as T) : defaultValue),
      update: async (key: string, value: unknown) => {
        if (value === undefined) {
          values.delete(key);
        } else {
          values.set(key, value);
        }
      },
      setKeysForSync: () => undefined,
    } as SessionRepositoryContext['globalState'],
  };
}

/** Records warnings; like VS Code's, a non-modal notification's promise stays pending (it is never dismissed here). */
function warningRecorder(): { shown: string[]; ui: { showWarningMessage(message: string, ...buttons: string[]): Promise<string | undefined> } } {
  const shown: string[] = [];
  return { shown, ui: { showWarningMessage: (message: string) => (shown.push(message), new Promise<string | undefined>(() => undefined)) } };
}

describe('tracking sessions from every source', function () {
  this.timeout(60000);
  let mock: MockVeriff;
  let s: Services;
  let integration: Integration;

  const tracked = () => s.sessions.store.list(integration.id);
  const trackedIds = () => tracked().map((x) => x.id);
  const session = (id: string) => s.sessions.store.get(integration.id, id);
  /** What VS Code would call the extension's state size: all of its global state as JSON. */
  const globalStateSize = () => JSON.stringify(Object.fromEntries(s.context.globalState.keys().map((k) => [k, s.context.globalState.get(k)]))).length;

  before(async () => {
    assert.ok(WORKSPACE && fs.existsSync(WORKSPACE), 'VERIFF_TEST_WORKSPACE is the opened folder');
    mock = await startMockVeriff();
    s = await services();
  });

  after(async () => {
    await removeAllIntegrations();
    await mock.server.close();
  });

  beforeEach(async () => {
    await removeAllIntegrations();
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Tracking', apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret: mock.sharedSecret }),
    );
    integration = s.credentials.active()!;
    assert.ok(integration, 'an integration is active');
    assert.equal(s.sessions.store.size(integration.id), 0, 'a new integration starts with nothing tracked');
  });

  afterEach(async () => {
    // Keep global state small for the tests that follow.
    s.sessions.store.remove(integration.id, trackedIds());
    await s.sessions.flush();
  });

  it('a tracking-file watcher disposed before its first scan: whenScanned and readNow resolve', async () => {
    const watcher = new TrackingFileWatcher(s);
    watcher.start();
    watcher.dispose(); // before the tick on which the first search would start
    // The first scan once resolved with itself here and rejected ("chaining cycle detected").
    await watcher.whenScanned();
    await watcher.readNow();
  });

  it('tracks typed ids given as arguments and reports new, already tracked and invalid in one message', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await withUser([], async (user) => {
      const first = await vscode.commands.executeCommand<AddResult>('veriff.trackSessions', [a]);
      assert.deepEqual(first, { added: [a], alreadyTracked: [], invalid: [] });
      assert.match(user.messages('status')[0], /1 new, 0 already tracked, 0 invalid/);
      assert.deepEqual(user.messages(), [], 'a clean import is routine: a status-bar note, no toast');
    });
    await withUser([], async (user) => {
      const text = `${a}, ${b.toUpperCase()}; not-an-id ${b}\n${c}\t12345 https://alchemy.veriff.com/v/${c}`;
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackSessions', text, { label: 'Run 1' });
      assert.deepEqual(result, { added: [b, c], alreadyTracked: [a], invalid: ['not-an-id', '12345'] });
      const messages = user.messages();
      assert.equal(messages.length, 1, `one summary message, got ${JSON.stringify(messages)}`);
      assert.match(messages[0], /2 new, 1 already tracked, 2 invalid/);
      assert.match(messages[0], /Run: Run 1/);
      assert.match(messages[0], /not-an-id, 12345/);
      assert.deepEqual(user.shown.at(-1)?.detail, ['Show Log']);
    });
    assert.deepEqual(trackedIds(), [a, b, c]);
    assert.equal(session(b)?.label, 'Run 1');
    assert.equal(session(b)?.source, 'typed');
    assert.equal(session(a)?.label, defaultLabel(session(a)!.addedAt), 'the first add kept its default label');
  });

  it('tracks ids typed into the input box, with the default run label offered', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await vscode.commands.executeCommand('veriff.trackSessions', [a], { label: 'earlier' });
    await withUser([{ input: `${a}\n${b}\n${b}  typo-123, ${a.slice(0, 20)}` }, { input: 'nightly-42' }], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackSessions');
      assert.deepEqual(result?.added, [b]);
      assert.deepEqual(result?.alreadyTracked, [a]);
      assert.equal(result?.invalid.length, 2);
      const boxes = user.shown.filter((x) => x.kind === 'inputBox');
      assert.equal(boxes.length, 2);
      assert.equal(boxes[1].detail[0], defaultLabel(Date.now()), 'the label box is prefilled with the default label');
      assert.match(user.messages('warning').join('\n'), /1 new, 1 already tracked, 2 invalid.*Run: nightly-42/);
    });
    assert.equal(session(b)?.label, 'nightly-42');
    // Only invalid tokens: the input box does not accept it. Escape on the label: nothing tracked.
    await withUser([{ input: 'abc-123 def' }], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.trackSessions'), undefined);
      assert.match(user.validationMessages.join('\n'), /No session id/);
    });
    await withUser([{ input: randomUUID() }, 'cancel'], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.trackSessions'), undefined);
      assert.deepEqual(user.messages(), []);
    });
    assert.deepEqual(trackedIds(), [a, b]);
  });

  it('tracks the ids in the editor selection, or in the whole document without one', async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const uri = writeWorkspaceFile('logs/selection.log', `10:01 created session ${a}\n10:02 created session ${b} for user 7\n10:03 url https://example.test/v/${c}?x=1\n`);
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(1, 0, 1, 200);
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackSelection');
      assert.deepEqual(result, { added: [b], alreadyTracked: [], invalid: [] });
      assert.match(user.messages('status')[0], /1 new, 0 already tracked, 0 invalid.*Run: selection\.log/);
    });
    assert.equal(session(b)?.source, 'selection');
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackSelection');
      assert.deepEqual(result, { added: [a, c], alreadyTracked: [b], invalid: [] });
      assert.match(user.messages('status')[0], /2 new, 1 already tracked, 0 invalid/);
    });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('tracks ids from the clipboard and says so when there are none', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await vscode.env.clipboard.writeText(`Sessions created by the test run:\n  • ${a} (approved)\n  • ${b.toUpperCase()} (created)\nDone in 3.2s`);
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackClipboard');
      assert.deepEqual(result, { added: [a, b], alreadyTracked: [], invalid: [] });
      assert.match(user.messages('status')[0], /2 new, 0 already tracked, 0 invalid/);
    });
    assert.equal(session(a)?.source, 'clipboard');
    await vscode.env.clipboard.writeText('nothing to see here');
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackClipboard');
      assert.deepEqual(result, { added: [], alreadyTracked: [], invalid: [] });
      assert.match(user.messages('warning')[0], /No Veriff session ids .* found in the clipboard/);
    });
    assert.equal(tracked().length, 2);
  });

  it('never tracks an API key found in text as a session', async () => {
    const a = randomUUID();
    await vscode.env.clipboard.writeText(`POST /v1/sessions X-AUTH-CLIENT: ${mock.apiKey}\n201 {"verification":{"id":"${a}"}}`);
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackClipboard');
      assert.deepEqual(result?.added, [a]);
      assert.equal(result?.invalid.length, 1);
      assert.ok(!user.messages().join('\n').includes(mock.apiKey), 'the key is not shown in full');
    });
    assert.deepEqual(trackedIds(), [a]);
  });

  it('tracks ids from a file given as argument and from the open dialog, labelled with the file name', async () => {
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const json = writeWorkspaceFile('reports/results.json', JSON.stringify({ suite: 'kyc', tests: [{ name: 'passport', session: { id: a } }, { name: 'id card', sessionId: b }] }, null, 2));
    await withUser([], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackFile', json);
      assert.deepEqual(result, { added: [a, b], alreadyTracked: [], invalid: [] });
      assert.match(user.messages('status')[0], /2 new.*Run: results\.json/);
    });
    assert.equal(session(a)?.label, 'results.json');
    assert.equal(session(a)?.source, 'file');
    const jsonl = writeWorkspaceFile('reports/created.jsonl', `{"id":"${c}","run":"smoke"}\n{"id":"${d}"}\n{"id":"${a}"}`);
    await withUser([{ open: [jsonl] }], async (user) => {
      const result = await vscode.commands.executeCommand<AddResult>('veriff.trackFile');
      assert.deepEqual(result, { added: [c, d], alreadyTracked: [a], invalid: [] });
      assert.equal(user.shown[0].kind, 'openDialog');
    });
    assert.equal(session(c)?.label, 'smoke', "a JSONL line's run wins");
    assert.equal(session(d)?.label, 'created.jsonl');
    await withUser(['cancel'], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.trackFile'), undefined);
    });
  });

  it('picks up lines appended to the watched tracking file, resumes partial lines and skips malformed ones', async () => {
    const file = path.join(WORKSPACE, '.veriff-sessions.jsonl');
    const folderLabel = path.basename(WORKSPACE);
    const [a, b, c, d] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await withUser([], async (user) => {
      fs.appendFileSync(file, `{"id":"${a}","run":"nightly #7"}\n${b}\nthis is not a session\n{"id":"${c}"`);
      await until('a and b to be tracked from the tracking file', () => session(a) && session(b));
      assert.equal(session(a)?.label, 'nightly #7');
      assert.equal(session(a)?.source, 'trackingFile');
      assert.equal(session(b)?.label, folderLabel, 'no label in the line: the folder name');
      assert.equal(session(c), undefined, 'the unfinished line waits');
      fs.appendFileSync(file, `,"label":"late"}\n`);
      await until('the completed line to be tracked', () => session(c));
      assert.equal(session(c)?.label, 'late');
      assert.deepEqual(trackedIds().sort(), [a, b, c].sort(), 'the malformed line tracked nothing');
      const offsets = s.context.workspaceState.get<Record<string, { offset: number; line: number }>>('veriff.trackingFileOffsets') ?? {};
      const position = offsets[vscode.Uri.file(file).toString()];
      assert.equal(position?.offset, fs.statSync(file).size, 'everything read is remembered');
      assert.equal(position?.line, 5);
      // A test suite starting over truncates the file: it is read from the start again.
      fs.writeFileSync(file, `${d}\n`);
      await until('the rewritten file to be read', () => session(d));
      assert.deepEqual(user.messages(), [], 'automatic imports show no popup');
    });
    fs.rmSync(file);
  });

  it('watches the tracking files the veriff.trackingFile setting names', async () => {
    const config = vscode.workspace.getConfiguration('veriff');
    const a = randomUUID();
    await config.update('trackingFile', 'reports/**/*.sessions.log', vscode.ConfigurationTarget.Workspace);
    try {
      writeWorkspaceFile('reports/nightly/run.sessions.log', `${a}\n`);
      await until('the session in the configured file', () => session(a));
      assert.equal(session(a)?.source, 'trackingFile');
    } finally {
      await config.update('trackingFile', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(path.join(WORKSPACE, 'reports', 'nightly'), { recursive: true, force: true });
    }
  });

  it('reads a rewritten tracking file from the start even when its lines share a long prefix, and logs why', async () => {
    const prefix = '{"run":"nightly build of the kyc service against staging, suite passport-and-id-card","id":"';
    const first = randomUUID();
    const uri = writeWorkspaceFile('rewrite/.veriff-sessions.jsonl', `${prefix}${first}"}\n`);
    await until('the first line to be tracked', () => session(first));
    const ids = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // A test suite starting over rewrites the file in place (same inode, longer than before).
    fs.writeFileSync(uri.fsPath, ids.map((id) => `${prefix}${id}"}\n`).join(''));
    await until('all four sessions of the rewritten file to be tracked', () => ids.every((id) => session(id)), 10000);
    assert.ok(
      s.log.recent().some((l) => /rewrite\/\.veriff-sessions\.jsonl.*(rewritten|replaced).*from the start/.test(l)),
      'the log says the file was read from the start',
    );
    fs.rmSync(path.dirname(uri.fsPath), { recursive: true });
  });

  it('searches the workspace for tracking files only when it (re)starts (and once more when the watcher has settled); then it watches them', async function () {
    this.timeout(45000);
    const workspace = vscode.workspace as { findFiles: typeof vscode.workspace.findFiles };
    const original = workspace.findFiles;
    let searches = 0;
    workspace.findFiles = (...args: Parameters<typeof original>) => {
      searches++;
      return original.apply(vscode.workspace, args);
    };
    const config = vscode.workspace.getConfiguration('veriff');
    try {
      await config.update('trackingFile', 'watched/**/*.jsonl', vscode.ConfigurationTarget.Workspace);
      await until('the search after the setting changed', () => searches >= 1);
      const id = randomUUID();
      writeWorkspaceFile('watched/deep/new-folder/run.jsonl', `${id}\n`);
      await until('a file created after the search to be tracked', () => session(id));
      const more = randomUUID();
      fs.appendFileSync(path.join(WORKSPACE, 'watched/deep/new-folder/run.jsonl'), `${more}\n`);
      await until('an appended line to be tracked', () => session(more));
      // The search when the setting changed, one more once its new watcher has settled (3 s), then none.
      await new Promise((r) => setTimeout(r, 4000));
      const settled = searches;
      assert.ok(settled >= 2, `searches by then: ${settled}`);
      // Long enough for the poll of known files (every 5 s) to have run at least once.
      await new Promise((r) => setTimeout(r, 6000));
      assert.equal(searches, settled, 'no workspace search once the watcher has settled (file events and a stat of known files instead)');
    } finally {
      workspace.findFiles = original;
      await config.update('trackingFile', undefined, vscode.ConfigurationTarget.Workspace);
      fs.rmSync(path.join(WORKSPACE, 'watched'), { recursive: true, force: true });
    }
  });

  it('imports a 10,000-line tracking file', async function () {
    this.timeout(60000);
    const ids = Array.from({ length: 10000 }, () => randomUUID());
    const lines = ids.map((id, i) => (i % 2 ? `{"id":"${id}","run":"bench","vendorData":"case-${i}"}` : `{"id":"${id}","label":"bench"}`));
    const started = Date.now();
    writeWorkspaceFile('bench/.veriff-sessions.jsonl', `${lines.join('\n')}\n`);
    await until('10,000 sessions tracked', () => s.sessions.store.size(integration.id) === 10000, 45000);
    const elapsed = Date.now() - started;
    console.log(`      10,000-line tracking file: tracked in ${elapsed} ms after the write`);
    assert.ok(elapsed < 20000, `took ${elapsed} ms`);
    assert.equal(session(ids[9999])?.label, 'bench');
    assert.equal(session(ids[9999])?.vendorData, 'case-9999');
    const flushStarted = Date.now();
    await s.sessions.flush();
    console.log(`      persisting 10,000 sessions: ${Date.now() - flushStarted} ms`);
    const file = vscode.Uri.joinPath(s.context.globalStorageUri, 'sessions.json');
    const stored = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as SessionStoreJSON;
    assert.equal(stored.integrations.find((i) => i.integrationId === integration.id)?.sessions.length, 10000, 'all in the file');
    assert.ok(globalStateSize() < 50_000, `no large extension state: global state holds ${globalStateSize()} characters`);
    fs.rmSync(path.join(WORKSPACE, 'bench'), { recursive: true });
  });

  it('creates a test session with a signed POST and tracks it', async () => {
    mock.server.reset();
    const id = await withUser([], () =>
      vscode.commands.executeCommand<string>('veriff.createTestSession', { vendorData: 'manual-check-1', label: 'Manual' }),
    );
    assert.ok(id, 'the new id is returned');
    const posts = mock.server.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sessions');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].status, 201);
    assert.equal(posts[0].apiKey, mock.apiKey);
    assert.equal(posts[0].signature, sign(posts[0].body, mock.sharedSecret), 'signed over the exact body');
    assert.deepEqual(JSON.parse(posts[0].body), { verification: { vendorData: 'manual-check-1' } });
    assert.equal(mock.server.state.getSession(id)?.vendorData, 'manual-check-1');
    const created = session(id);
    assert.equal(created?.status, 'created');
    assert.equal(created?.source, 'created');
    assert.equal(created?.label, 'Manual');
    assert.equal(created?.vendorData, 'manual-check-1');

    // Prompted: no vendorData, then "Copy URL" on the message.
    await vscode.env.clipboard.writeText('');
    const second = await withUser([{ input: '' }, { message: 'Copy URL' }], async (user) => {
      const newId = await vscode.commands.executeCommand<string>('veriff.createTestSession');
      assert.deepEqual(user.shown.at(-1)?.detail, ['Open Verification Page', 'Copy URL']);
      return newId;
    });
    const url = `${mock.server.url}/v/${mock.server.state.getSession(second)!.sessionToken}`;
    const deadline = Date.now() + 5000;
    while ((await vscode.env.clipboard.readText()) !== url && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(await vscode.env.clipboard.readText(), url);
    assert.deepEqual(JSON.parse(mock.server.requests.at(-1)!.body), { verification: {} });
    assert.equal(session(second)?.status, 'created');

    // A failure is reported and nothing is tracked.
    mock.server.injectFault('http500');
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.createTestSession', {}), undefined);
      assert.match(user.messages('error').join('\n'), /not created/);
    });
    assert.equal(tracked().length, 2);
  });

  it('offers trackSessions, getTrackedSessions and onDidChangeSessions to other extensions', async () => {
    const api = await extensionApi();
    const [a, b] = [randomUUID(), randomUUID()];
    const changed = new Promise<void>((resolve) => {
      const sub = api.onDidChangeSessions(() => {
        sub.dispose();
        resolve();
      });
    });
    const result = await api.trackSessions([a, 'bad', b], 'api-run');
    await changed;
    assert.deepEqual(result, { added: [a, b], alreadyTracked: [], invalid: ['bad'] });
    const snapshots = api.getTrackedSessions().filter((x) => x.integration === 'Tracking');
    assert.deepEqual(
      snapshots.map(({ addedAt, ...rest }) => (assert.equal(typeof addedAt, 'number'), rest)),
      [
        { id: a, integration: 'Tracking', label: 'api-run', status: 'unknown', source: 'api' },
        { id: b, integration: 'Tracking', label: 'api-run', status: 'unknown', source: 'api' },
      ],
    );
    (snapshots[0] as { label: string }).label = 'changed by a caller';
    assert.equal(session(a)?.label, 'api-run', 'snapshots are copies');
    assert.deepEqual((await api.trackSessions(a))?.alreadyTracked, [a]);
  });

  it('persists tracked sessions in sessions.json in global storage, with nothing large in global state', async () => {
    const a = randomUUID();
    await withUser([], () => vscode.commands.executeCommand('veriff.trackSessions', a, { label: 'persisted' }));
    await s.sessions.flush();
    const file = vscode.Uri.joinPath(s.context.globalStorageUri, 'sessions.json');
    const stored = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as SessionStoreJSON;
    const entry = stored.integrations.find((i) => i.integrationId === integration.id);
    assert.ok(entry, 'the integration is stored');
    assert.deepEqual(entry.sessions.map((x) => x.id), [a]);
    assert.equal(entry.labels[entry.sessions[0].l], 'persisted');
    assert.equal(s.context.globalState.get(LEGACY_SESSIONS_STATE_KEY), undefined, 'no sessions in global state');
    assert.ok(globalStateSize() < 50_000, `global state holds ${globalStateSize()} characters`);
  });

  it('moves the sessions of an earlier version from global state to the file on the first start', async () => {
    const a = randomUUID();
    const old = new SessionStore();
    old.add('integration-x', [a], { source: 'typed', label: 'from before' });
    const ctx = fakeContext({ [LEGACY_SESSIONS_STATE_KEY]: old.toJSON() });
    const repo = new SessionRepository(ctx, s.log);
    try {
      assert.equal(repo.store.get('integration-x', a)?.label, 'from before', 'the sessions are there at once');
      await repo.flush();
      const stored = JSON.parse(fs.readFileSync(path.join(ctx.globalStorageUri.fsPath, 'sessions.json'), 'utf8')) as SessionStoreJSON;
      assert.deepEqual(stored.integrations.find((i) => i.integrationId === 'integration-x')?.sessions.map((x) => x.id), [a]);
      assert.equal(ctx.globalState.get(LEGACY_SESSIONS_STATE_KEY), undefined, 'the global state key is cleared');
      assert.equal(s.log.recent().filter((l) => l.includes('moved from global state') && l.includes(ctx.globalStorageUri.fsPath)).length, 1, 'one log line');
    } finally {
      repo.dispose();
    }
    // The next start reads the file.
    const again = new SessionRepository(ctx, s.log);
    assert.equal(again.store.get('integration-x', a)?.label, 'from before');
    again.dispose();
    fs.rmSync(ctx.globalStorageUri.fsPath, { recursive: true, force: true });
  });

  it('keeps a corrupt sessions file with no usable copy aside, starts empty and says so', async () => {
    const ctx = fakeContext({});
    fs.mkdirSync(ctx.globalStorageUri.fsPath, { recursive: true });
    const file = path.join(ctx.globalStorageUri.fsPath, 'sessions.json');
    fs.writeFileSync(file, '{"version":1,"integrations":[{"integ');
    const { shown, ui } = warningRecorder();
    const repo = new SessionRepository(ctx, s.log, undefined, { ui });
    try {
      assert.equal(repo.store.size(), 0, 'started empty');
      const warning = s.log.recent().find((l) => l.startsWith('[warning]') && l.includes(file) && l.includes('could not be read'));
      assert.ok(warning, 'the log says what happened');
      assert.match(warning, /no usable last-good copy, starting with no tracked sessions/);
      assert.equal(shown.length, 1, 'and a warning is shown (not awaited)');
      assert.match(shown[0], /no usable copy.*sessions\.json/);
      await repo.flush();
      const kept = fs.readdirSync(ctx.globalStorageUri.fsPath).filter((n) => n.startsWith('sessions.json.corrupt-'));
      assert.equal(kept.length, 1, 'the damaged file is kept under another name');
      assert.equal(fs.readFileSync(path.join(ctx.globalStorageUri.fsPath, kept[0]), 'utf8'), '{"version":1,"integrations":[{"integ', 'unchanged');
      assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).integrations, [], 'a good (empty) file replaced it');
      repo.store.add('integration-y', [randomUUID()], { source: 'typed' });
      await repo.flush();
      assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as SessionStoreJSON).integrations.length, 1, 'new sessions are saved');
    } finally {
      repo.dispose();
      fs.rmSync(ctx.globalStorageUri.fsPath, { recursive: true, force: true });
    }
  });

  it('recovers a damaged sessions file from its last-good copy and tells the user', async () => {
    const ctx = fakeContext({});
    const [a, b] = [randomUUID(), randomUUID()];
    const first = new SessionRepository(ctx, s.log);
    first.store.add('integration-z', [a, b], { source: 'typed', label: 'kept' });
    await first.flush();
    first.dispose();
    const file = path.join(ctx.globalStorageUri.fsPath, 'sessions.json');
    fs.writeFileSync(file, '');
    const { shown, ui } = warningRecorder();
    const repo = new SessionRepository(ctx, s.log, undefined, { ui });
    try {
      assert.deepEqual(repo.store.list('integration-z').map((x) => x.id), [a, b], 'nothing lost');
      assert.ok(s.log.recent().some((l) => l.includes(file) && l.includes('recovered from the last-good copy')));
      assert.equal(shown.length, 1);
      assert.match(shown[0], /recovered from its last-good copy: sessions\.json/);
      await repo.flush();
      assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as SessionStoreJSON).integrations[0].sessions.length, 2, 'written back');
    } finally {
      repo.dispose();
      fs.rmSync(ctx.globalStorageUri.fsPath, { recursive: true, force: true });
    }
  });

  it("shows another window's sessions when it writes them (the file is watched)", async () => {
    const a = randomUUID();
    await withUser([], () => vscode.commands.executeCommand('veriff.trackSessions', a));
    await s.sessions.flush();
    // Another window (another extension host process: here a second store on the same folder) tracks one.
    const otherWindow = new SharedStore(s.context.globalStorageUri.fsPath);
    const b = randomUUID();
    const started = Date.now();
    await otherWindow.updateSessions([{ kind: 'add', at: Date.now(), integrationId: integration.id, items: [{ id: b, label: 'other window' }], options: { source: 'typed' } }]);
    await until("the other window's session", () => session(b), 2000);
    assert.ok(Date.now() - started < 2000);
    assert.equal(session(b)?.label, 'other window');
    assert.ok(session(a), 'ours is still there');
  });

  it('two windows tracking and untracking at once lose nothing and bring nothing back', async () => {
    const folder = path.join(os.tmpdir(), `veriff-storage-${randomUUID()}`);
    const w1 = new SessionRepository(fakeContext({}, folder), s.log);
    const w2 = new SessionRepository(fakeContext({}, folder), s.log);
    try {
      const ids1 = Array.from({ length: 30 }, () => randomUUID());
      const ids2 = Array.from({ length: 30 }, () => randomUUID());
      for (let i = 0; i < 30; i++) {
        w1.store.add('int', [ids1[i]], { source: 'typed' });
        w2.store.add('int', [ids2[i]], { source: 'typed' });
        if (i % 3 === 2) {
          w1.store.remove('int', [ids1[i - 1]]);
          w2.store.remove('int', [ids2[i - 2]]);
        }
        await new Promise((r) => setTimeout(r, i % 4 === 0 ? 60 : 5));
      }
      await Promise.all([w1.flush(), w2.flush()]);
      const removed = new Set([...ids1.filter((_, i) => i % 3 === 1), ...ids2.filter((_, i) => i % 3 === 0)]);
      const expected = [...ids1, ...ids2].filter((id) => !removed.has(id)).sort();
      await until('both windows show the same sessions', () => {
        const one = w1.store.list('int').map((x) => x.id).sort();
        const two = w2.store.list('int').map((x) => x.id).sort();
        return JSON.stringify(one) === JSON.stringify(expected) && JSON.stringify(two) === JSON.stringify(expected);
      }, 2000);
      const inFile = (JSON.parse(fs.readFileSync(path.join(folder, 'sessions.json'), 'utf8')) as SessionStoreJSON).integrations[0].sessions.map((x) => x.id).sort();
      assert.deepEqual(inFile, expected, 'the file holds them too');
    } finally {
      w1.dispose();
      w2.dispose();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses to track without an integration, says so with a button to the fix, and changes nothing', async () => {
    await removeAllIntegrations();
    const before = s.sessions.store.size();
    const postsBefore = mock.server.requests.filter((r) => r.method === 'POST').length;
    const a = randomUUID();
    await vscode.env.clipboard.writeText(a);
    const api = await extensionApi();
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.trackSessions', a), undefined);
      assert.equal(await vscode.commands.executeCommand('veriff.trackSessions'), undefined, 'no prompt without an integration');
      assert.equal(await vscode.commands.executeCommand('veriff.trackClipboard'), undefined);
      assert.equal(await api.trackSessions([a]), undefined);
      assert.equal(await vscode.commands.executeCommand('veriff.createTestSession', {}), undefined);
      const refusals = user.shown.filter((x) => x.kind === 'warning');
      assert.equal(refusals.length, 5);
      for (const r of refusals) {
        assert.match(r.text, /Nothing was tracked: set up the API credentials/);
        assert.deepEqual(r.detail, ['Set API Credentials']);
      }
    });
    assert.equal(s.sessions.store.size(), before);
    assert.equal(mock.server.requests.filter((r) => r.method === 'POST').length, postsBefore, 'nothing was sent');
  });

  describe('from the last terminal command', () => {
    let terminal: vscode.Terminal | undefined;

    async function showPtyTerminal(): Promise<vscode.Terminal> {
      const write = new vscode.EventEmitter<string>();
      const t = vscode.window.createTerminal({ name: 'veriff-fake', pty: { onDidWrite: write.event, open: () => undefined, close: () => undefined } });
      t.show();
      await until('the terminal to be active', () => vscode.window.activeTerminal === t);
      return t;
    }

    afterEach(() => {
      terminal?.dispose();
      terminal = undefined;
    });

    it('explains shell integration when no command output is available', async () => {
      terminal = await showPtyTerminal();
      await withUser([], async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.trackTerminal'), undefined);
        const text = user.messages('info').join('\n');
        assert.match(text, /terminal\.integrated\.shellIntegration\.enabled/);
        assert.match(text, /bash, zsh, fish, pwsh/);
      });
      assert.equal(tracked().length, 0);
    });

    it('tracks ids in the output of a recorded execution (fake execution fed to the recorder)', async () => {
      terminal = await showPtyTerminal();
      const [a, b] = [randomUUID(), randomUUID()];
      const execution = {
        commandLine: { value: 'npm run test:e2e', isTrusted: true, confidence: vscode.TerminalShellExecutionCommandLineConfidence.High },
        async *read() {
          yield '> e2e\r\n';
          yield `\x1b[32m✓\x1b[0m created session \x1b[1m${a}\x1b[0m\r\n`;
          yield `  url: https://alchemy.veriff.com/v/${b.toUpperCase()}\r\n`;
        },
      };
      s.terminalOutput.handleStart({ terminal, execution });
      await s.terminalOutput.handleEnd({ terminal, execution, exitCode: 0 });
      await withUser([], async (user) => {
        const result = await vscode.commands.executeCommand<AddResult>('veriff.trackTerminal');
        assert.deepEqual(result, { added: [a, b], alreadyTracked: [], invalid: [] });
        assert.match(user.messages('status')[0], /2 new.*Run: npm run test:e2e/);
      });
      assert.equal(session(a)?.source, 'terminal');
      // An execution whose output never arrived (only the shell-integration mark): said so, nothing tracked.
      const silent = {
        commandLine: { value: 'true', isTrusted: true, confidence: vscode.TerminalShellExecutionCommandLineConfidence.High },
        async *read() {
          yield '\x1b]633;C\x07';
        },
      };
      s.terminalOutput.handleStart({ terminal, execution: silent });
      await s.terminalOutput.handleEnd({ terminal, execution: silent, exitCode: 0 });
      await withUser([], async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.trackTerminal'), undefined);
        assert.match(user.messages('info')[0], /printed nothing/);
      });
      assert.equal(tracked().length, 2);
    });

    it('keeps only the last 1 MiB of a command output, even when it arrives in one piece', async () => {
      terminal = await showPtyTerminal();
      const [early, late] = [randomUUID(), randomUUID()];
      const execution = {
        commandLine: { value: 'npm run flood', isTrusted: true, confidence: vscode.TerminalShellExecutionCommandLineConfidence.High },
        async *read() {
          yield `created ${early}\r\n${'.'.repeat(3 * 1024 * 1024)}\r\n`;
          yield `created ${late}\r\n`;
        },
      };
      s.terminalOutput.handleStart({ terminal, execution });
      await s.terminalOutput.handleEnd({ terminal, execution, exitCode: 0 });
      const last = await s.terminalOutput.lastCommand(terminal);
      assert.ok(last, 'the command was recorded');
      assert.ok(last.output.length <= 1024 * 1024, `kept ${last.output.length} characters`);
      assert.equal(last.truncated, true);
      assert.ok(last.output.endsWith(`created ${late}\r\n`));
      await withUser([], async () => {
        const result = await vscode.commands.executeCommand<AddResult>('veriff.trackTerminal');
        assert.deepEqual(result?.added, [late]);
      });
    });

    it('tracks ids echoed in a real terminal with shell integration (skipped when it does not activate here)', async function () {
      const id = randomUUID();
      const t = vscode.window.createTerminal({ name: 'veriff-bash', shellPath: '/bin/bash' });
      terminal = t;
      t.show();
      const shellIntegration =
        t.shellIntegration ??
        (await new Promise<vscode.TerminalShellIntegration | undefined>((resolve) => {
          const timer = setTimeout(() => (sub.dispose(), resolve(undefined)), 10000);
          const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
            if (e.terminal === t) {
              clearTimeout(timer);
              sub.dispose();
              resolve(e.shellIntegration);
            }
          });
        }));
      if (!shellIntegration) {
        console.log('      shell integration did not activate in this runtime: real-terminal case skipped');
        this.skip();
      }
      await until('the terminal to be active', () => vscode.window.activeTerminal === t);
      const ended = new Promise<void>((resolve) => {
        const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
          if (e.terminal === t) {
            sub.dispose();
            resolve();
          }
        });
      });
      // A command as short as a bare `echo` ends before VS Code forwards its output (the workbench
      // batches terminal data for 50 ms), so the command takes a moment, as a test run does.
      shellIntegration.executeCommand(`sleep 0.3; echo "created session ${id}"; sleep 0.3`);
      await ended;
      await withUser([], async (user) => {
        const result = await vscode.commands.executeCommand<AddResult>('veriff.trackTerminal');
        assert.deepEqual(result?.added, [id], `messages: ${user.messages().join(' | ')}`);
      });
      assert.match(session(id)?.label ?? '', /^sleep 0\.3; echo "created session/);
    });
  });
});
