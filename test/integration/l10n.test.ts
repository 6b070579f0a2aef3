import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ageText, clockText, inText, roughDuration } from '../../src/core/relativeTime';
import { EXTENSION_ID, extensionApi, removeAllIntegrations, services, withUser } from './helpers';

async function readJson(ext: vscode.Extension<unknown>, file: string): Promise<any> {
  return JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, file))).toString('utf8'));
}

describe('localisation: manifest strings in VS Code', () => {
  it('VS Code shows the English command titles, categories and walkthrough texts from package.nls.json', async () => {
    await extensionApi();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const raw = await readJson(ext, 'package.json');
    const nls: Record<string, string> = await readJson(ext, 'package.nls.json');
    const rawShowLog = raw.contributes.commands.find((c: { command: string }) => c.command === 'veriff.showLog');
    assert.equal(rawShowLog.title, '%command.showLog.title%', 'package.json on disk holds the key');
    assert.equal(rawShowLog.category, '%category.veriff%');

    // What VS Code made of it: every %key% replaced by its package.nls.json text.
    const seen = ext.packageJSON.contributes;
    const showLog = seen.commands.find((c: { command: string }) => c.command === 'veriff.showLog');
    assert.equal(`${showLog.category}: ${showLog.title}`, 'Veriff: Show Log');
    for (const [i, command] of raw.contributes.commands.entries()) {
      assert.equal(seen.commands[i].title, nls[command.title.slice(1, -1)], `${command.command} title`);
    }
    assert.equal(seen.walkthroughs[0].title, 'Get started with Veriff Test Sessions');
    assert.equal(seen.views.veriff[0].name, 'Test Sessions');
    assert.equal(ext.packageJSON.l10n, './l10n');
    const leftovers = JSON.stringify(seen).match(/"%[^%\s"]+%"/g) ?? [];
    assert.deepEqual(leftovers, [], 'no unresolved key');
  });
});

describe('localisation: times and durations through Intl in the display language', () => {
  const MINUTE = 60_000;
  const now = Date.UTC(2026, 0, 15, 12);
  const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

  it('this extension host formats en and de (full ICU): ages, waits, durations, clock times', () => {
    assert.equal(plain(ageText(now - 5 * MINUTE, now, 'en')), '5 min. ago');
    assert.equal(plain(ageText(now - 5 * MINUTE, now, 'de')), 'vor 5 Min.');
    assert.equal(ageText(now, now, 'de'), 'jetzt');
    assert.equal(inText(now + 60 * MINUTE, now, 'en'), 'in 60 minutes');
    assert.equal(inText(now + 60 * MINUTE, now, 'de'), 'in 60 Minuten');
    assert.equal(roughDuration(3 * 60 * MINUTE, 'de'), '3 Stunden');
    assert.equal(clockText(Date.UTC(2026, 0, 15, 14, 5), now, 'de', 'UTC'), '14:05');
    assert.equal(plain(clockText(Date.UTC(2026, 0, 15, 14, 5), now, 'en', 'UTC')), '02:05 PM');
  });

  it('the extension formats with vscode.env.language: a row\'s age', async () => {
    const s = await services();
    const language = vscode.env.language;
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Intl', apiKey: '0b5e8c1a-3f2d-4e6a-9b7c-1d2e3f4a5b6c', sharedSecret: 'intl-secret-1' }),
    );
    try {
      const integrationId = s.credentials.active()!.id;
      const id = '6d1c7a52-1b1e-4c55-9d60-2f7e0b2c9a11';
      s.sessions.store.add(integrationId, [id], { source: 'typed', label: 'intl' });
      const session = s.sessions.store.get(integrationId, id)!;
      const item = s.sessionTree!.getTreeItem({ kind: 'session', session });
      assert.equal(item.description, `status unknown · ${ageText(session.addedAt, Date.now(), language)}`);
      if (language === 'en') {
        assert.equal(item.description, 'status unknown · now');
      }
      // The status bar's "next delete" sentence is checked in the budget tests ("in 60 minutes (at …)").
      s.sessions.store.remove(integrationId, [id]);
    } finally {
      await removeAllIntegrations();
    }
  });
});
