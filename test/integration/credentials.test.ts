import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ContextKeys, trackCredentialsContext } from '../../src/vscode/contextKeys';
import { removeAllIntegrations, services, until, withUser } from './helpers';

const KEY = '0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c';
const KEY2 = '7c6b5a4f-3e2d-4c1b-8a9f-0e1d2c3b4a59';
const SECRET = 'canary-secret-5f1e2d3c4b5a';


describe('credentials in SecretStorage', () => {
  beforeEach(removeAllIntegrations);
  after(removeAllIntegrations);

  it('sets credentials with arguments, keeps key and secret only in SecretStorage, and reads them back', async () => {
    const s = await services();
    const name = await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: 'https://stationapi.veriff.com/', apiKey: KEY.toUpperCase(), sharedSecret: SECRET }),
    );
    assert.equal(name, 'Test');
    const active = s.credentials.active();
    assert.equal(active?.name, 'Test');
    assert.equal(active?.apiUrl, 'https://stationapi.veriff.com');
    assert.deepEqual(await s.credentials.getSecrets(active!), { apiKey: KEY, sharedSecret: SECRET });
    const stored = await s.context.secrets.get(`veriff.credentials.${active!.id}`);
    assert.ok(stored?.includes(SECRET), 'the secret is in context.secrets');
    const globalState = JSON.stringify(s.context.globalState.keys().map((k) => s.context.globalState.get(k)));
    assert.ok(!globalState.includes(SECRET) && !globalState.includes(KEY), 'global state holds neither key nor secret');
    const settings = JSON.stringify(vscode.workspace.getConfiguration('veriff'));
    assert.ok(!settings.includes(SECRET) && !settings.includes(KEY));
  });

  it('masks saved key and secret in the log in any case, from the moment they pass the credential store', async () => {
    const s = await services();
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: 'https://stationapi.veriff.com/', apiKey: KEY.toUpperCase(), sharedSecret: SECRET }),
    );
    const before = s.log.recent().length;
    s.log.info(`echo ${KEY} ${KEY.toUpperCase()} ${SECRET}`);
    assert.deepEqual(s.log.recent().slice(before), ['[info] echo *** *** ***']);
  });

  it('adds and edits an integration through scripted input boxes', async () => {
    const s = await services();
    await withUser([{ input: 'Staging' }, { input: 'https://staging.example.veriff.me' }, { input: KEY }, { input: SECRET }], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), 'Staging');
      assert.deepEqual(user.shown.filter((x) => x.kind === 'inputBox').map((x) => x.detail[0]), ['Test', 'https://stationapi.veriff.com', '(password)', '(password)']);
    });
    // Edit: pick it, change the URL, keep key and secret by leaving them empty.
    await withUser([{ pick: 'Staging' }, { input: 'https://eu.example.veriff.me' }, { input: '' }, { input: '' }], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), 'Staging');
    });
    const staging = s.credentials.find('Staging')!;
    assert.equal(staging.apiUrl, 'https://eu.example.veriff.me');
    assert.deepEqual(await s.credentials.getSecrets(staging), { apiKey: KEY, sharedSecret: SECRET });
    assert.equal(s.credentials.list().length, 1);
  });

  it('asks in one multi-step input: n/4 in the title, key and secret masked, each step validated before it is accepted', async () => {
    const s = await services();
    await withUser(
      [{ input: '' }, { input: 'Test' }, { input: 'ftp://example.com' }, { input: 'https://stationapi.veriff.com' }, { input: 'not-a-uuid' }, { input: KEY }, { input: 'two words' }, { input: SECRET }],
      async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), 'Test');
        const boxes = user.shown.filter((x) => x.kind === 'inputBox');
        assert.deepEqual(
          boxes.map((b) => b.step),
          ['1/4', '1/4', '2/4', '2/4', '3/4', '3/4', '4/4', '4/4'].map((n) => `${n} Veriff: Set API Credentials`),
        );
        assert.deepEqual(boxes.slice(4).map((b) => b.detail[0]), ['(password)', '(password)', '(password)', '(password)'], 'key and secret boxes are masked');
        assert.equal(user.validationMessages.length, 4, 'each bad value was refused by its own step');
        assert.match(user.validationMessages[0], /name/);
        assert.match(user.validationMessages[1], /https/);
        assert.match(user.validationMessages[2], /UUID/);
        assert.match(user.validationMessages[3], /spaces/);
      },
    );
    assert.deepEqual(await s.credentials.getSecrets(s.credentials.find('Test')!), { apiKey: KEY, sharedSecret: SECRET });
  });

  it('Back returns to the previous step with what was typed there', async () => {
    const s = await services();
    await withUser(
      [{ input: 'Stagin' }, { input: 'https://staging.example.veriff.me' }, { back: true }, { back: true }, { input: 'Staging' }, { input: 'https://staging.example.veriff.me' }, { input: KEY }, { input: SECRET }],
      async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), 'Staging');
        const boxes = user.shown.filter((x) => x.kind === 'inputBox');
        assert.deepEqual(boxes.map((b) => `${b.step?.split(' ')[0]} ${b.detail[0]}`), [
          '1/4 Test',
          '2/4 https://stationapi.veriff.com',
          '3/4 (password)',
          '2/4 https://staging.example.veriff.me',
          '1/4 Stagin',
          '2/4 https://staging.example.veriff.me',
          '3/4 (password)',
          '4/4 (password)',
        ]);
      },
    );
    assert.deepEqual(s.credentials.list().map((i) => i.name), ['Staging'], 'only the corrected name was saved');
  });

  it('cancelling any prompt changes nothing', async () => {
    const s = await services();
    await withUser([{ input: 'Test' }, { input: 'https://stationapi.veriff.com' }, 'cancel'], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), undefined);
    });
    assert.equal(s.credentials.list().length, 0);
  });

  it('refuses bad input with a message and changes nothing', async () => {
    const s = await services();
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Live', apiKey: KEY, sharedSecret: SECRET });
    const before = JSON.stringify(s.credentials.list());
    const cases: Array<[object, RegExp]> = [
      [{ name: 'Live', apiKey: 'not-a-uuid', sharedSecret: 'x-secret-1' }, /UUID/],
      [{ name: 'Live', apiUrl: 'http://veriff.example.com', apiKey: KEY2, sharedSecret: 'x-secret-2' }, /http:\/\/ is allowed only/],
      [{ name: 'Live', apiUrl: 'ftp://example.com', apiKey: KEY2, sharedSecret: 'x-secret-3' }, /https/],
      [{ name: 'Live', apiKey: KEY2, sharedSecret: '   ' }, /shared secret key is required/],
      [{ name: '', apiKey: KEY2, sharedSecret: 'x-secret-4' }, /name/],
    ];
    for (const [args, expected] of cases) {
      await withUser([], async (user) => {
        assert.equal(await vscode.commands.executeCommand('veriff.setCredentials', args), undefined);
        assert.match(user.messages('error').join('\n'), expected);
      });
    }
    assert.equal(JSON.stringify(s.credentials.list()), before);
    assert.deepEqual(await s.credentials.getSecrets(s.credentials.find('Live')!), { apiKey: KEY, sharedSecret: SECRET });
    // Input boxes validate as the user types: an http:// URL to a remote host is not accepted.
    await withUser([{ pick: 'Add Integration' }, { input: 'Other' }, { input: 'http://10.0.0.8:8080' }, 'cancel'], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials'), undefined);
      assert.match(user.validationMessages.join('\n'), /allowed only for the loopback addresses/);
    });
    assert.equal(JSON.stringify(s.credentials.list()), before);
  });

  it('accepts http:// only for loopback', async () => {
    const s = await services();
    for (const url of ['http://127.0.0.1:4010', 'http://localhost:4010', 'http://[::1]:4010']) {
      assert.equal(await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Local', apiUrl: url, apiKey: KEY, sharedSecret: SECRET }), 'Local');
      assert.equal(s.credentials.find('Local')!.apiUrl, url);
    }
  });

  it('switches the active integration by argument and by quick pick, and refuses unknown names', async () => {
    const s = await services();
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiKey: KEY, sharedSecret: SECRET });
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Live', apiKey: KEY2, sharedSecret: SECRET });
    assert.equal(s.credentials.active()?.name, 'Live');
    assert.equal(await vscode.commands.executeCommand('veriff.selectIntegration', 'Test'), 'Test');
    assert.equal(s.credentials.active()?.name, 'Test');
    await withUser([{ pick: 'Live' }], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.selectIntegration'), 'Live');
    });
    assert.equal(s.credentials.active()?.name, 'Live');
    await withUser([], async (user) => {
      assert.equal(await vscode.commands.executeCommand('veriff.selectIntegration', 'Nope'), undefined);
      assert.match(user.messages('error')[0], /Nope/);
    });
    assert.equal(s.credentials.active()?.name, 'Live');
  });

  it('removes credentials after a modal confirmation, deleting the secret', async () => {
    const s = await services();
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiKey: KEY, sharedSecret: SECRET });
    const id = s.credentials.find('Test')!.id;
    await withUser([{ pick: 'Test' }, { confirm: undefined }], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.removeCredentials'), false);
    });
    assert.ok(s.credentials.find('Test'), 'declining the modal keeps it');
    await withUser([{ pick: 'Test' }, { confirm: 'Remove' }], async () => {
      assert.equal(await vscode.commands.executeCommand('veriff.removeCredentials'), true);
    });
    assert.equal(s.credentials.find('Test'), undefined);
    assert.equal(await s.context.secrets.get(`veriff.credentials.${id}`), undefined);
  });

  it('hides the commands that need credentials (context key veriff.hasCredentials) until credentials exist', async () => {
    const s = await services();
    const manifest = vscode.extensions.getExtension('veriff-test-sessions.veriff-test-sessions')!.packageJSON;
    const palette: Array<{ command: string; when?: string }> = manifest.contributes.menus.commandPalette;
    const whenOf = (command: string) => palette.find((m) => m.command === command)?.when ?? '';
    const needCredentials = [
      'veriff.selectIntegration', 'veriff.removeCredentials', 'veriff.trackSessions', 'veriff.trackSelection', 'veriff.trackClipboard',
      'veriff.trackFile', 'veriff.trackTerminal', 'veriff.createTestSession', 'veriff.refreshSessions', 'veriff.deleteSession',
      'veriff.untrackSession', 'veriff.showBudget', 'veriff.tidyUp', 'veriff.tidyUpRun',
    ];
    for (const command of needCredentials) {
      assert.match(whenOf(command), /(^|&& )veriff\.hasCredentials( &&|$)/, `${command} is hidden until credentials exist`);
    }
    for (const command of ['veriff.setCredentials', 'veriff.startSandbox', 'veriff.showLog']) {
      assert.doesNotMatch(whenOf(command), /hasCredentials|false/, `${command} stays in the palette`);
    }
    const value = () => s.contextKeys.get('veriff.hasCredentials');
    await until('no credentials → false', () => value() === false);
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiKey: KEY, sharedSecret: SECRET });
    await until('credentials → true', () => value() === true);
    await vscode.commands.executeCommand('veriff.removeCredentials', 'Test');
    await until('removed → false', () => value() === false);
  });

  it('sets the credential context keys right after activation (not during it), and a credentials command run at once sees them set', async () => {
    const s = await services();
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiKey: KEY, sharedSecret: SECRET });
    // What activation does: start following the credentials; the keys are set a tick later.
    const keys = new ContextKeys();
    const following = trackCredentialsContext({ contextKeys: keys, credentials: s.credentials, sessions: s.sessions });
    try {
      assert.equal(keys.get('veriff.hasCredentials'), undefined, 'not set while activating');
      await until('hasCredentials right after', () => keys.get('veriff.hasCredentials') === true);
      assert.equal(keys.get('veriff.activeIsSandbox'), false);
      // A change made right after activation is followed like any other.
      await vscode.commands.executeCommand('veriff.removeCredentials', 'Test');
      await until('removed → false', () => keys.get('veriff.hasCredentials') === false);
    } finally {
      following.dispose();
    }
    const gone = new ContextKeys();
    trackCredentialsContext({ contextKeys: gone, credentials: s.credentials, sessions: s.sessions }).dispose();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(gone.get('veriff.hasCredentials'), undefined, 'disposed at once (the extension shut down while activating): nothing is set');
  });

  it('notices credentials changed behind its back (another window) through secrets.onDidChange', async () => {
    const s = await services();
    await vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiKey: KEY, sharedSecret: SECRET });
    const test = s.credentials.find('Test')!;
    assert.equal((await s.credentials.getSecrets(test))?.sharedSecret, SECRET);
    const changed = new Promise<void>((resolve) => {
      const sub = s.credentials.onDidChange(() => {
        sub.dispose();
        resolve();
      });
    });
    await s.context.secrets.store(`veriff.credentials.${test.id}`, JSON.stringify({ apiKey: KEY, sharedSecret: 'rotated-secret-1' }));
    await changed;
    assert.equal((await s.credentials.getSecrets(test))?.sharedSecret, 'rotated-secret-1');
  });
});
