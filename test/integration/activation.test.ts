import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { VeriffTestSessionsApi } from '../../src/extension';
import { until } from './helpers';

const EXTENSION_ID = 'veriff-test-sessions.veriff-test-sessions';
const LAZY_BUNDLES = ['commands.js', 'veriff.js', 'tracking.js', 'localSandbox.js', 'sandbox.js', 'undici.js'];

function distInRequireCache(extensionPath: string): string[] {
  const dist = path.join(extensionPath, 'dist') + path.sep;
  return Object.keys(require.cache)
    .filter((k) => k.startsWith(dist))
    .map((k) => path.basename(k));
}

describe('activation in a real VS Code', () => {
  it('runs inside a real VS Code extension host', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(typeof vscode.commands.executeCommand, 'function');
  });

  it('runs in a test workbench without the unrelated Node-only built-ins (scripts/runtime/builtinExtensions.cjs), with the rest', () => {
    for (const id of ['vscode.git', 'vscode.github', 'GitHub.copilot-chat', 'ms-vscode.js-debug']) {
      assert.equal(vscode.extensions.getExtension(id), undefined, `${id} is not loaded`);
    }
    // Those with a web entry point stay: the browser side lists them whatever the server's folder holds.
    for (const id of ['vscode.theme-defaults', 'vscode.github-authentication', 'vscode.json-language-features', 'vscode.typescript-language-features']) {
      assert.ok(vscode.extensions.getExtension(id), `${id} is there`);
    }
  });

  it('activates by itself after start-up, with the view closed and no command run (onStartupFinished)', async function () {
    this.timeout(30000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is loaded');
    assert.deepEqual(ext.packageJSON.extensionKind, ['workspace'], 'runs where the workspace is (remote side in remote development)');
    assert.ok(ext.packageJSON.activationEvents.includes('onStartupFinished'));
    // The test workspace holds no tracking file, so only onStartupFinished can have activated it.
    const deadline = Date.now() + 20000;
    while (!ext.isActive && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(ext.isActive, true, 'active without anyone asking');
  });

  // The first test file of the host: nothing has run a command, sent a request or started the sandbox yet.
  it('loads none of the lazy parts to activate: command bodies, Veriff client and queue, tracking, sandbox adapter and server, HTTP stack', async () => {
    const ext = vscode.extensions.getExtension<VeriffTestSessionsApi>(EXTENSION_ID);
    assert.ok(ext, 'extension is loaded');
    const api = await ext.activate();
    assert.ok(api.testing, 'test hooks are exposed');
    assert.equal(api.testing.isUndiciLoaded(), false, 'undici is not loaded');
    assert.equal(api.testing.isSandboxLoaded(), false, 'the sandbox server is not loaded');
    assert.deepEqual(api.testing.lazyParts(), { commands: false, commandsLoadMs: undefined, veriff: false, tracking: false, localSandbox: false });
    const bundles = distInRequireCache(ext.extensionPath);
    assert.ok(bundles.includes('extension.js'), 'the main bundle is in require.cache (so the check sees the extension)');
    assert.deepEqual(bundles.filter((b) => LAZY_BUNDLES.includes(b)), [], 'no lazy bundle is');
  });

  it('loads the command bodies (dist/commands.js) with the first command, once, and they share the main bundle\'s modules', async () => {
    const ext = vscode.extensions.getExtension<VeriffTestSessionsApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    assert.ok(api.testing);
    const services = api.testing.services;
    // A dismissed prompt ends a command quietly only when the body's UserCancelledError is the wrapper's
    // class (one module in one bundle): with a second copy it would show "… failed: cancelled".
    const shown: string[] = [];
    const ui = services.ui;
    services.ui = {
      ...ui,
      showErrorMessage: (message: string) => (shown.push(message), Promise.resolve(undefined)),
      showQuickPick: () => Promise.resolve(undefined),
      showInputStep: () => Promise.resolve(undefined),
    } as typeof ui;
    try {
      const name = await vscode.commands.executeCommand('veriff.setCredentials');
      assert.equal(name, undefined, 'cancelled at the first prompt');
    } finally {
      services.ui = ui;
    }
    assert.deepEqual(shown, [], 'cancelling showed no failure');
    const parts = api.testing.lazyParts();
    assert.equal(parts.commands, true, 'the command bodies are loaded now');
    assert.ok(typeof parts.commandsLoadMs === 'number' && parts.commandsLoadMs > 0, `their load was timed (${parts.commandsLoadMs} ms)`);
    const bundles = distInRequireCache(ext.extensionPath);
    assert.ok(bundles.includes('commands.js'), `dist/commands.js is in require.cache: ${bundles.join(', ')}`);
    assert.equal(parts.veriff, false, 'asking for credentials did not load the Veriff client');
  });

  it('activates through its contributed view/commands and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'extension is loaded');
    await vscode.commands.executeCommand('veriff.showLog');
    assert.equal(ext.isActive, true);
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, []);
    // Left open, the Output panel would redraw every log line of the whole run.
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('"Veriff: Show Log" resolves once the Output panel shows the channel, also when it was closed or showed another channel', async () => {
    const showingVeriff = (): boolean =>
      vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'output' && /[.-]Veriff(\.log)?$/.test(e.document.uri.path));
    for (const before of ['workbench.action.closePanel', 'workbench.action.output.toggleOutput']) {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      if (before !== 'workbench.action.closePanel') {
        const other = vscode.window.createOutputChannel('Another extension');
        other.appendLine('not Veriff');
        other.show(true);
        await until('the other channel shows', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString().includes('Another')), 10000);
        other.dispose();
      }
      assert.equal(showingVeriff(), false, `not showing before (${before})`);
      assert.equal(await vscode.commands.executeCommand('veriff.showLog'), true, 'the command says it is shown');
      assert.equal(showingVeriff(), true, 'and it is among the visible editors when the command ends');
    }
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('opens the Veriff view container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.veriff');
    await vscode.commands.executeCommand('veriff.sessions.focus');
  });
});
