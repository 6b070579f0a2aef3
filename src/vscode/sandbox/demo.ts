import * as vscode from 'vscode';
import type { VeriffStatus } from '../../core/status';
import type { Services } from '../services';

export const DEMO_LABEL = 'Demo run';

/** One sample session per interesting state: deletable ones, ones Veriff is still processing, and a fresh one. */
const DEMO_STATES: readonly VeriffStatus[] = ['approved', 'declined', 'submitted', 'expired', 'created', 'review'];

/**
 * `npm run demo` (VERIFF_DEMO=1): starts the local sandbox and creates sample sessions through the
 * real signed client, as a test suite would, then tracks them. Running it again (a window reload)
 * keeps the sessions restored from the sandbox's saved state instead of making more.
 */
export async function runDemo(services: Services): Promise<string[]> {
  const { sandbox } = await services.sandbox.start();
  const integrationId = sandbox.integration.id;
  const store = services.sessions.store;
  const existing = store.list(integrationId).filter((s) => s.label === DEMO_LABEL && sandbox.state.getSession(s.id));
  if (existing.length > 0) {
    services.log.info(`Demo: ${existing.length} sample session(s) from an earlier start are still in the sandbox; none created`);
    await revealSidebar();
    return existing.map((s) => s.id);
  }
  const connection = await services.access.connect();
  if (!connection || connection.integration.id !== integrationId) {
    throw new Error('the local sandbox is not the active integration');
  }
  const created: { id: string; status: VeriffStatus; vendorData: string }[] = [];
  for (const [index, status] of DEMO_STATES.entries()) {
    const vendorData = `demo-user-${index + 1}`;
    const outcome = await connection.client.createSession({ vendorData });
    if (outcome.kind !== 'ok') {
      services.log.error(`Demo: creating a sample session failed (${outcome.kind})`);
      continue;
    }
    const id = outcome.value.id;
    sandbox.state.setStatus(id, status);
    created.push({ id, status, vendorData });
  }
  store.add(
    integrationId,
    created.map(({ id, vendorData }) => ({ id, vendorData })),
    { source: 'created', label: DEMO_LABEL },
  );
  store.updateStatuses(
    integrationId,
    created.map(({ id, status }) => ({ id, status, fetchedAt: services.clock.now() })),
  );
  await services.sessions.flush();
  services.log.info(`Demo: ${created.length} sample session(s) created on the local sandbox (${created.map((c) => c.status).join(', ')})`);
  await revealSidebar();
  return created.map((c) => c.id);
}

/** Shows the sidebar and the demo workspace's README (what to try) next to it. Conveniences only. */
async function revealSidebar(): Promise<void> {
  await Promise.resolve(vscode.commands.executeCommand('workbench.view.extension.veriff')).then(undefined, () => undefined);
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    return;
  }
  const readme = vscode.Uri.joinPath(folder.uri, 'README.md');
  const exists = await Promise.resolve(vscode.workspace.fs.stat(readme)).then(() => true, () => false);
  if (exists) {
    await Promise.resolve(vscode.commands.executeCommand('markdown.showPreview', readme)).then(undefined, () => undefined);
  }
}
