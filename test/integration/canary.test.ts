import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Outcome } from '../../src/core/veriffClient';
import { describeFailure, showFailure } from '../../src/vscode/failures';
import { startMockVeriff, type VeriffServer } from '../support/mockVeriff';
import { removeAllIntegrations, services, withUser } from './helpers';

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
});
