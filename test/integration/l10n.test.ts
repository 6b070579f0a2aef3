import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers';

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
