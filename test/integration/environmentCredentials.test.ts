import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sign } from '../../src/core/signing';
import type { DeleteSummary } from '../../src/vscode/commands/sessions/deleteSession';
import type { Services } from '../../src/vscode/services';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { clearBudgetState } from './budgetHarness';
import { removeAllIntegrations, services, until, withUser } from './helpers';

const VARIABLES = ['VERIFF_API_URL', 'VERIFF_API_KEY', 'VERIFF_SHARED_SECRET'] as const;


function filesUnder(dir: string, depth = 6): string[] {
  if (depth < 0 || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), depth - 1) : [path.join(dir, e.name)],
  );
}

async function setting(value: boolean | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('veriff').update('credentialsFromEnvironment', value, vscode.ConfigurationTarget.Global);
}

describe('credentials from the environment (veriff.credentialsFromEnvironment)', function () {
  this.timeout(60000);
  let s: Services;
  let mock: MockVeriff;
  const saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};
  const environmentIntegration = () => s.credentials.list().find((i) => i.environment);

  before(async () => {
    s = await services();
    for (const name of VARIABLES) {
      saved[name] = process.env[name];
    }
  });

  beforeEach(async () => {
    await removeAllIntegrations();
    mock = await startMockVeriff();
    process.env.VERIFF_API_URL = mock.server.url;
    process.env.VERIFF_API_KEY = mock.apiKey.toUpperCase();
    process.env.VERIFF_SHARED_SECRET = mock.sharedSecret;
  });

  afterEach(async () => {
    await setting(undefined);
    for (const name of VARIABLES) {
      if (saved[name] === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = saved[name];
      }
    }
    for (const id of s.sessions.store.integrationIds()) {
      s.sessions.store.remove(id, s.sessions.store.list(id).map((x) => x.id));
    }
    await removeAllIntegrations();
    await mock.server.close();
  });

  it('is off by default: the variables alone add nothing', async () => {
    assert.equal(vscode.workspace.getConfiguration('veriff').inspect('credentialsFromEnvironment')?.defaultValue, false);
    assert.equal(environmentIntegration(), undefined);
    assert.deepEqual(s.credentials.list(), []);
  });

  it('on: an "Environment" integration that signs requests, hides nothing from the palette, and is written nowhere', async () => {
    await clearBudgetState(s);
    await s.budgetService!.reload();
    await setting(true);
    await until('the Environment integration', () => environmentIntegration() !== undefined);
    const env = environmentIntegration()!;
    assert.equal(env.name, 'Environment');
    assert.equal(env.apiUrl, mock.server.url);
    assert.equal(s.credentials.active()?.name, 'Environment', 'the only integration is the active one');
    await until('veriff.hasCredentials', () => s.contextKeys.get('veriff.hasCredentials') === true);

    // Used like any integration: a tracked session is deleted with a DELETE signed by the environment's secret.
    const id = mock.server.seedSession(mock.apiKey, { status: 'approved' }).id;
    s.sessions.store.add(env.id, [id], { source: 'typed', label: 'env-run' });
    await withUser([{ confirm: 'Delete' }], async () => {
      const summary = await vscode.commands.executeCommand<DeleteSummary>('veriff.deleteSession', id);
      assert.deepEqual(summary?.deleted, [id]);
    });
    const sent = mock.server.deleteRequests();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].apiKey, mock.apiKey);
    assert.equal(sent[0].signature, sign(id, mock.sharedSecret));

    // It cannot be saved over or removed: it is not stored.
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Environment', apiKey: mock.apiKey, sharedSecret: 'another-secret-1' }), undefined);
      assert.match(user.messages('error').join('\n'), /read from the environment/);
      assert.equal(await vscode.commands.executeCommand('veriff.removeCredentials', 'Environment'), false);
      assert.match(user.messages('error').join('\n'), /comes from the environment: turn off the setting veriff\.credentialsFromEnvironment/);
      user.dismissAll();
    });
    assert.ok(environmentIntegration(), 'still offered');

    // Nothing on disk or in VS Code's stores holds the key or the secret (or the environment integration).
    await s.sessions.flush();
    await s.budgetService!.flush();
    const key = mock.apiKey.toLowerCase();
    const secret = mock.sharedSecret;
    assert.equal(await s.context.secrets.get(`veriff.credentials.${env.id}`), undefined, 'not in SecretStorage');
    const globalState = JSON.stringify(s.context.globalState.keys().map((k) => [k, s.context.globalState.get(k)]));
    assert.ok(!globalState.includes('"Environment"'), 'the integration list in global state does not hold it');
    const storage = [s.context.globalStorageUri.fsPath, s.context.storageUri?.fsPath, path.dirname(s.context.logUri.fsPath), vscode.workspace.workspaceFolders && path.join(vscode.workspace.workspaceFolders[0].uri.fsPath, '.vscode')]
      .filter((d): d is string => typeof d === 'string')
      .flatMap((d) => filesUnder(d));
    assert.ok(storage.some((f) => /Veriff\.log$/.test(f)), `the log file is among the files checked (${storage.length} files)`);
    const corpus: Array<[string, string]> = [
      ['global state', globalState],
      ['settings', JSON.stringify(vscode.workspace.getConfiguration())],
      ['log', s.log.recent().join('\n')],
      ...storage.map((f): [string, string] => [f, fs.readFileSync(f).toString('latin1')]),
    ];
    for (const [where, text] of corpus) {
      assert.ok(!text.toLowerCase().includes(key), `${where} holds the API key`);
      assert.ok(!text.includes(secret), `${where} holds the shared secret`);
    }

    // Off again: gone, and with it the context key.
    await setting(false);
    await until('the Environment integration to go', () => environmentIntegration() === undefined);
    await until('veriff.hasCredentials false', () => s.contextKeys.get('veriff.hasCredentials') === false);
  });

  it('unusable variables are not offered; the log names the variable, never its value', async () => {
    process.env.VERIFF_API_KEY = 'not-a-uuid-but-secretish-123';
    await setting(true);
    assert.equal(environmentIntegration(), undefined);
    const line = s.log.recent().find((l) => l.includes('Credentials from the environment not used'));
    assert.ok(line, 'a log line says why');
    assert.match(line, /VERIFF_API_KEY is not a UUID/);
    assert.ok(!line.includes('not-a-uuid-but-secretish-123'));
  });
});
