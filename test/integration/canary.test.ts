import * as assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Outcome } from '../../src/core/veriffClient';
import { showFailure } from '../../src/vscode/failures';
import { describeFailure } from '../../src/vscode/failureText';
import { startMockVeriff, type VeriffServer } from '../support/mockVeriff';
import type { AddResult } from '../../src/core/sessions';
import { extensionApi, removeAllIntegrations, services, until, withUser } from './helpers';

const WORKSPACE = process.env.VERIFF_TEST_WORKSPACE ?? '';

/** Polls `check` until it holds; fails with `what` after the deadline. */

async function readStorageFile(uri: vscode.Uri): Promise<string> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return '';
  }
}

function filesUnder(dir: string, depth = 4): string[] {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), depth - 1) : [path.join(dir, e.name)],
  );
}

describe('canary: secrets never leak', function () {
  this.timeout(60000);
  let server: VeriffServer;
  let apiKey: string;
  let sharedSecret: string;

  before(async () => {
    ({ server, apiKey, sharedSecret } = await startMockVeriff());
    await removeAllIntegrations();
  });
  after(async () => {
    await vscode.workspace.getConfiguration('veriff').update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
    await removeAllIntegrations();
    await server.close();
  });

  it('after successes and every failure kind, log, messages, global state and settings hold no key, secret or signature', async () => {
    const s = await services();
    const wrongSecret = 'canary-wrong-secret-9d8c7b6a';
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Wrong', apiUrl: server.url, apiKey, sharedSecret: wrongSecret });
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Canary', apiUrl: server.url, apiKey, sharedSecret });
    await vscode.workspace.getConfiguration('veriff').update('requestTimeoutSeconds', 1, vscode.ConfigurationTarget.Global);
    const conn = await s.access.connect();
    assert.ok(conn, 'connected with the canary integration');
    const wrong = (await s.access.connect(s.credentials.find('Wrong')))!;

    const seed = (status: Parameters<VeriffServer['seedSession']>[1]) => server.seedSession(apiKey, status).id;
    const outcomes: Outcome<unknown>[] = [];
    outcomes.push(await conn.client.createSession({ vendorData: 'canary-run' }));
    outcomes.push(await conn.client.getStatus(seed({ status: 'approved' })));
    outcomes.push(await conn.client.getStatus(seed({ status: 'started' })));
    outcomes.push(await conn.client.deleteSession(seed({ status: 'approved' })));
    outcomes.push(await conn.client.deleteSession(seed({ status: 'submitted' })));
    outcomes.push(await conn.client.deleteSession(seed({ status: 'started', inFlow: true })));
    outcomes.push(await conn.client.deleteSession('0a0b0c0d-0000-4000-8000-000000000001'));
    outcomes.push(await wrong.client.deleteSession(seed({ status: 'approved' })));
    outcomes.push(await conn.client.deleteSession(seed({ status: 'approved' })));
    outcomes.push(await conn.client.deleteSession(seed({ status: 'approved' }))); // 6th slot attempt → 429
    server.injectFault('http500', { method: 'DELETE' });
    outcomes.push(await conn.client.deleteSession(seed({ status: 'approved' })));
    server.injectFault({ kind: 'delay', ms: 2500 }, { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    server.injectFault('drop', { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    server.injectFault('html', { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    server.injectFault('malformedJson', { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    server.injectFault('missingSignature', { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    server.injectFault('wrongSignature', { method: 'POST' });
    outcomes.push(await conn.client.createSession({}));
    outcomes.push(await conn.client.deleteSession('not-a-uuid'));

    const kinds = outcomes.map((o) => o.kind);
    for (const kind of ['ok', 'veriffError', 'rateLimited', 'timeout', 'network', 'malformed', 'invalidInput']) {
      assert.ok(kinds.includes(kind as never), `outcome kind ${kind} was exercised (got ${kinds.join(', ')})`);
    }
    await withUser([], async (user) => {
      for (const o of outcomes) {
        if (o.kind !== 'ok') {
          const f = describeFailure(o);
          await showFailure(s, f.text, { credentialsFix: f.credentialsFix });
        }
      }
      assert.ok(user.messages('error').length >= 10);
      assert.ok(user.messages('error').some((m) => /1812|signature/i.test(m)), 'the 1812 failure was explained');
      s.log.info(`messages shown: ${user.messages().join(' | ')}`);
    });

    // Every signature that crossed the wire (requests), and the signatures of the ids with both secrets.
    const signatures = new Set(server.requests.map((r) => r.signature).filter((x): x is string => !!x));
    for (const r of server.requests) {
      const id = /sessions\/([0-9a-f-]{36})/.exec(r.path)?.[1];
      if (id) {
        signatures.add(createHmac('sha256', sharedSecret).update(id).digest('hex'));
        signatures.add(createHmac('sha256', wrongSecret).update(id).digest('hex'));
      }
    }
    assert.ok(signatures.size > 10);

    await s.sessions.flush();
    const logText = s.log.recent().join('\n');
    assert.match(logText, /DELETE \/v1\/sessions\/\S+ → 401 code 1812/, 'the log has the request lines');
    const logFiles = filesUnder(path.dirname(s.context.logUri.fsPath)).filter((f) => /Veriff\.log$/.test(f));
    const diskLog = logFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const globalState = JSON.stringify(s.context.globalState.keys().map((k) => [k, s.context.globalState.get(k)]));
    const settings = JSON.stringify(vscode.workspace.getConfiguration());
    const corpus: Array<[string, string]> = [
      ['log', logText],
      ['log file', diskLog],
      ['global state', globalState],
      ['settings', settings],
    ];
    for (const [where, text] of corpus) {
      assert.ok(!text.toLowerCase().includes(apiKey.toLowerCase()), `${where} holds the full API key`);
      assert.ok(!text.includes(sharedSecret), `${where} holds the shared secret`);
      assert.ok(!text.includes(wrongSecret), `${where} holds the other secret`);
      for (const sig of signatures) {
        assert.ok(!text.toLowerCase().includes(sig), `${where} holds a signature`);
      }
    }
    assert.ok(apiKey.slice(0, 4) && logText.includes(`key ${apiKey.slice(0, 4)}…`), 'the key appears masked to a short prefix');
    assert.ok(logFiles.length > 0 && diskLog.includes('→ 401 code 1812'), `the Veriff log file on disk was checked (${logFiles.join(', ')})`);
  });

  it('UUID-shaped shared secrets of every integration are never tracked from any source, so never stored or sent; passwords in command lines and tracking files stay out of sessions.json, sandbox.json and the log', async () => {
    const s = await services();
    await removeAllIntegrations();
    // Shared secrets shaped like session ids (UUIDs), one per integration; the other one in upper case.
    const key = randomUUID();
    const secret = randomUUID();
    const otherKey = randomUUID();
    const otherSecret = randomUUID().toUpperCase();
    server.addIntegration(key, secret);
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Other', apiUrl: server.url, apiKey: otherKey, sharedSecret: otherSecret });
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Uuid secret', apiUrl: server.url, apiKey: key, sharedSecret: secret });
    const integration = s.credentials.active()!;
    assert.equal(integration.name, 'Uuid secret');
    const real = [server.seedSession(key, { status: 'approved' }).id, server.seedSession(key, { status: 'approved' }).id, server.seedSession(key, { status: 'started' }).id];
    const secretsLower = [secret, otherSecret.toLowerCase(), key, otherKey];
    const passwords = ['Sup3rS3cret', 'hunter2canary', 'b3arer-t0ken-canary', 'MyS3cretPw', 'dotenv-p4ss'];
    const text = `created ${real[0]}\nVERIFF_SHARED_SECRET=${secret}\nother secret ${otherSecret}\nX-AUTH-CLIENT: ${key}\n`;
    const requestsBefore = server.requests.length;

    await withUser([], async (user) => {
      // typed, as command arguments
      const typed = await vscode.commands.executeCommand<AddResult>('veriff.trackSessions', `${real[0]} ${secret} ${otherSecret}`);
      assert.deepEqual(typed?.added, [real[0]]);
      // clipboard
      await vscode.env.clipboard.writeText(text);
      await vscode.commands.executeCommand('veriff.trackClipboard');
      // selection (the whole untitled document)
      const doc = await vscode.workspace.openTextDocument({ content: text });
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('veriff.trackSelection');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      // a file
      const file = path.join(WORKSPACE, 'canary-report.log');
      fs.writeFileSync(file, text);
      await vscode.commands.executeCommand('veriff.trackFile', vscode.Uri.file(file));
      fs.rmSync(file);
      // another extension, through the API
      await (await extensionApi()).trackSessions([secret, otherSecret, key]);
      // the last terminal command (a recorded execution), whose command line holds passwords
      const write = new vscode.EventEmitter<string>();
      const terminal = vscode.window.createTerminal({ name: 'veriff-canary', pty: { onDidWrite: write.event, open: () => undefined, close: () => undefined } });
      terminal.show();
      await until('the terminal to be active', () => vscode.window.activeTerminal === terminal);
      const execution = {
        commandLine: {
          value: `VERIFF_SHARED_SECRET=${secret} psql postgres://app:Sup3rS3cret@db.internal/app && curl -u admin:hunter2canary -H "Authorization: Bearer b3arer-t0ken-canary" x && mysql -pMyS3cretPw`,
          isTrusted: true,
          confidence: vscode.TerminalShellExecutionCommandLineConfidence.High,
        },
        async *read() {
          yield `${text}created ${real[1]}\r\n`;
        },
      };
      s.terminalOutput.handleStart({ terminal, execution });
      await s.terminalOutput.handleEnd({ terminal, execution, exitCode: 0 });
      const fromTerminal = await vscode.commands.executeCommand<AddResult>('veriff.trackTerminal');
      assert.ok(fromTerminal?.added.includes(real[1]), JSON.stringify(fromTerminal));
      terminal.dispose();
      assert.ok(!user.messages().join('\n').toLowerCase().includes(secret), 'no message shows the secret');
    });
    // the watched tracking file, with a line a .env file would have
    const trackingFile = path.join(WORKSPACE, '.veriff-sessions.jsonl');
    fs.appendFileSync(trackingFile, `{"id":"${secret}","run":"canary"}\n${otherSecret}\nDB_PASSWORD=dotenv-p4ss\n{"id":"${real[2]}","run":"canary"}\n`);
    await until('the tracking file to be read', () => s.sessions.store.has(integration.id, real[2]));
    fs.rmSync(trackingFile);

    const trackedIds = s.sessions.store.integrationIds().flatMap((i) => s.sessions.store.list(i).map((x) => x.id));
    for (const value of secretsLower) {
      assert.ok(!trackedIds.includes(value), `a secret (${value.slice(0, 4)}…) is tracked as a session`);
    }
    assert.deepEqual(new Set(s.sessions.store.list(integration.id).map((x) => x.id)), new Set(real), 'the real sessions are tracked');
    await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions'));
    assert.ok(server.requests.length > requestsBefore, 'the refresh sent requests');

    // The sandbox writes sandbox.json: its own key and secret stay out of it.
    await withUser([], () => vscode.commands.executeCommand('veriff.startSandbox'));
    const sandbox = s.sandbox.running!;
    await withUser([], () => vscode.commands.executeCommand('veriff.createTestSession', { label: 'canary sandbox' }));
    await withUser([], () => vscode.commands.executeCommand('veriff.stopSandbox'));
    const sandboxJson = await readStorageFile(vscode.Uri.joinPath(s.context.globalStorageUri, 'sandbox.json'));
    assert.ok(sandboxJson.length > 0, 'sandbox.json was written');

    await s.sessions.flush();
    const sessionsJson = await readStorageFile(vscode.Uri.joinPath(s.context.globalStorageUri, 'sessions.json'));
    assert.ok(sessionsJson.includes(real[1]), 'sessions.json was written');
    const logText = s.log.recent().join('\n');
    const logFiles = filesUnder(path.dirname(s.context.logUri.fsPath)).filter((f) => /Veriff\.log$/.test(f));
    const diskLog = logFiles.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const requestLines = server.requests.map((r) => `${r.method} ${r.path} ${r.body}`).join('\n');
    const corpus: Array<[string, string]> = [
      ['sessions.json', sessionsJson],
      ['sandbox.json', sandboxJson],
      ['log', logText],
      ['log file', diskLog],
      ['request lines', requestLines],
    ];
    const forbidden = [...secretsLower, sandbox.credentials.apiKey, sandbox.credentials.sharedSecret, ...passwords.map((p) => p.toLowerCase())];
    for (const [where, text] of corpus) {
      const lower = text.toLowerCase();
      for (const value of forbidden) {
        assert.ok(!lower.includes(value.toLowerCase()), `${where} holds ${value.slice(0, 6)}…`);
      }
    }
    assert.ok(logText.includes('postgres://***@db.internal'), 'the command line was logged, redacted');
  });
});
