import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extensionApi } from './helpers';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
interface Walkthrough {
  id: string;
  title: string;
  steps: WalkthroughStep[];
}

/** The English text of a manifest string: `%key%` resolved through package.nls.json, as VS Code does. */
async function english(ext: vscode.Extension<unknown>, value: string): Promise<string> {
  const m = /^%(.+)%$/.exec(value);
  if (!m) {
    return value;
  }
  const nls = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'package.nls.json'))).toString('utf8')) as Record<string, string>;
  assert.ok(nls[m[1]] !== undefined, `package.nls.json has ${m[1]}`);
  return nls[m[1]];
}

function commandLinks(text: string): string[] {
  return [...text.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
}

describe('walkthrough: get started', () => {
  let ext: vscode.Extension<unknown>;
  let walkthrough: Walkthrough;

  before(async () => {
    await extensionApi();
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found);
    ext = found;
    const list = (ext.packageJSON.contributes.walkthroughs ?? []) as Walkthrough[];
    const w = list.find((x) => x.id === 'veriff.gettingStarted');
    assert.ok(w, 'the walkthrough is contributed');
    walkthrough = w;
  });

  it('has the four steps, in order, each with its markdown page in the extension', async () => {
    assert.equal(await english(ext, walkthrough.title), 'Get started with Veriff Test Sessions');
    assert.deepEqual(
      walkthrough.steps.map((s) => s.id),
      ['connect', 'track', 'delete', 'tidyUp'],
    );
    for (const step of walkthrough.steps) {
      assert.ok(step.media.markdown, `step ${step.id} has a markdown page`);
      const md = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, step.media.markdown))).toString('utf8');
      assert.match(md, /^# \S/, `${step.media.markdown} starts with a heading`);
    }
    const track = walkthrough.steps.find((s) => s.id === 'track');
    const trackMd = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, track?.media.markdown ?? ''))).toString('utf8');
    assert.match(trackMd, /\.veriff-sessions\.jsonl/, 'the tracking-file snippet is on the track step');
  });

  it('links and completes on commands that exist', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const expected: Record<string, string[]> = {
      connect: ['veriff.setCredentials', 'veriff.startSandbox'],
      track: ['veriff.trackSessions'],
      delete: ['veriff.deleteSession'],
      tidyUp: ['veriff.tidyUp'],
    };
    for (const step of walkthrough.steps) {
      const links = commandLinks(await english(ext, step.description));
      for (const id of expected[step.id]) {
        assert.ok(links.includes(id), `step ${step.id} links ${id}`);
      }
      const onCommand = (step.completionEvents ?? []).filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length));
      for (const id of expected[step.id]) {
        assert.ok(onCommand.includes(id), `step ${step.id} completes on ${id}`);
      }
      const missing = [...links, ...onCommand].filter((id) => !registered.has(id));
      assert.deepEqual(missing, [], `step ${step.id} uses registered commands only`);
    }
  });
});
