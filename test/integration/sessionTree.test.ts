import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import * as vscode from 'vscode';
import type { Clock } from '../../src/core/clock';
import type { VeriffStatus } from '../../src/core/status';
import type { AutoRefreshDecision, AutoRefresher } from '../../src/vscode/autoRefresher';
import type { RefreshSummary } from '../../src/vscode/sessionStatuses';
import type { Services } from '../../src/vscode/services';
import type { GroupNode, SessionNode, SessionTreeNode } from '../../src/vscode/sessionArgs';
import { RENDER_DEBOUNCE_MS, type SessionTreeProvider } from '../../src/vscode/sessionTree';
import { startMockVeriff, type MockVeriff } from '../support/mockVeriff';
import { removeAllIntegrations, services, until, withUser } from './helpers';

const RUN = 'nightly-42';

function clearStore(s: Services): void {
  for (const integrationId of s.sessions.store.integrationIds()) {
    s.sessions.store.remove(integrationId, s.sessions.store.list(integrationId).map((x) => x.id));
  }
}

function tree(s: Services): SessionTreeProvider {
  assert.ok(s.sessionTree, 'the sessions view provider is exposed on services');
  return s.sessionTree;
}

function groups(s: Services): GroupNode[] {
  return tree(s).getChildren() as GroupNode[];
}

function sessionNodes(s: Services): SessionNode[] {
  return groups(s).flatMap((g) => tree(s).getChildren(g) as SessionNode[]);
}

function nodeOf(s: Services, id: string): SessionNode {
  const node = sessionNodes(s).find((n) => n.session.id === id);
  assert.ok(node, `session ${id} is in the tree`);
  return node;
}

function itemOf(s: Services, node: SessionTreeNode): vscode.TreeItem {
  return tree(s).getTreeItem(node);
}

/** Resolves after the next debounced re-render of the tree. */
function nextRender(s: Services): Promise<void> {
  return new Promise((resolve) => {
    const sub = tree(s).onDidRender(() => {
      sub.dispose();
      resolve();
    });
  });
}

/** Watches requests arriving at the mock's HTTP server (the request log only has answered ones). */
function watchRequests(mock: MockVeriff): { arrived: () => number; maxInFlight: () => number; dispose: () => void } {
  const http = (mock.server as unknown as { server: Server }).server;
  let arrived = 0;
  let inFlight = 0;
  let max = 0;
  const onRequest = (_req: IncomingMessage, res: ServerResponse) => {
    arrived++;
    inFlight++;
    max = Math.max(max, inFlight);
    res.on('close', () => inFlight--);
  };
  http.on('request', onRequest);
  return { arrived: () => arrived, maxInFlight: () => max, dispose: () => http.off('request', onRequest) };
}


type Fired = SessionTreeNode[] | undefined;

/** Records what the provider fires on onDidChangeTreeData (what VS Code re-renders). */
function recordFires(s: Services): { events: Fired[]; dispose: () => void } {
  const events: Fired[] = [];
  const sub = tree(s).onDidChangeTreeData((e) => {
    events.push(e === undefined || e === null ? undefined : Array.isArray(e) ? [...e] : [e]);
  });
  return { events, dispose: () => sub.dispose() };
}

/** Renders every group and row, as the workbench does when it shows the view. */
function renderAll(s: Services): void {
  for (const group of groups(s)) {
    tree(s).getTreeItem(group);
    for (const row of tree(s).getChildren(group)) {
      tree(s).getTreeItem(row);
    }
  }
}

/** Waits until no change event is pending, then a few debounce periods more (nothing else may come). */
async function settled(s: Services): Promise<void> {
  await until('the tree to announce its changes', () => !tree(s).renderPending);
  await new Promise((r) => setTimeout(r, 3 * RENDER_DEBOUNCE_MS));
  assert.equal(tree(s).renderPending, false);
}

function describeFired(events: Fired[]): string {
  return JSON.stringify(events.map((e) => (e === undefined ? 'whole tree' : e.map((n) => (n.kind === 'group' ? `group ${n.key}` : `row ${n.session.id.slice(0, 8)}`)))));
}

describe('sessions tree view', () => {
  let mock: MockVeriff;
  let s: Services;
  let integrationId: string;

  /** Seeds a session in the mock and tracks it (status unknown until refreshed). */
  function track(status: VeriffStatus | 'missing', label = RUN): string {
    const id = status === 'missing' ? randomUUID() : mock.server.seedSession(mock.apiKey, { status }).id;
    s.sessions.store.add(integrationId, [id], { source: 'typed', label });
    return id;
  }

  beforeEach(async () => {
    s = await services();
    await removeAllIntegrations();
    clearStore(s);
    mock = await startMockVeriff();
    await withUser([], () =>
      vscode.commands.executeCommand('veriff.setCredentials', { name: 'Test', apiUrl: mock.server.url, apiKey: mock.apiKey, sharedSecret: mock.sharedSecret }),
    );
    integrationId = s.credentials.active()!.id;
  });

  afterEach(async () => {
    await vscode.workspace.getConfiguration('veriff').update('groupBy', undefined, vscode.ConfigurationTarget.Global);
    clearStore(s);
    await mock.server.close();
  });

  after(async () => {
    await removeAllIntegrations();
  });

  it('shows the active integration\'s sessions grouped by run with status, age, icon, context value, tooltip and badge', async () => {
    const approved = track('approved');
    const submitted = track('submitted');
    const created = track('created');
    const declined = track('declined', 'other-run');
    const gone = track('missing');
    const summary = await withUser([], () => vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions'));
    assert.equal(summary?.refreshed, 5);
    assert.equal(summary?.gone, 1);
    await nextRender(s);

    const roots = groups(s);
    assert.deepEqual(
      roots.map((g) => g.key),
      [RUN, 'other-run'],
      'the run with the newest session first',
    );
    const run = roots.find((g) => g.key === RUN)!;
    const runItem = itemOf(s, run);
    assert.equal(runItem.label, RUN);
    assert.equal(runItem.contextValue, 'run');
    assert.equal(runItem.description, '4 sessions', 'nothing a status change alters: a group re-renders all its rows');
    assert.equal(runItem.tooltip, `Run "${RUN}": 4 sessions`);
    assert.equal(runItem.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);

    const expect: Array<[string, string, string, string | undefined, string]> = [
      [approved, 'approved', 'pass', 'charts.green', 'session.deletable'],
      [submitted, 'submitted', 'clock', 'charts.yellow', 'session.notDeletable'],
      [created, 'created', 'circle-outline', undefined, 'session.deletable'],
      [declined, 'declined', 'error', 'charts.red', 'session.deletable'],
      [gone, 'gone', 'trash', 'disabledForeground', 'session.gone'],
    ];
    for (const [id, status, icon, color, contextValue] of expect) {
      const item = itemOf(s, nodeOf(s, id));
      assert.equal(item.label, id.slice(0, 8));
      assert.equal(item.description, `${status} · now`);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon);
      assert.equal(item.iconPath.id, icon, `${status} icon`);
      assert.equal(item.iconPath.color?.id, color, `${status} colour`);
      assert.equal(item.contextValue, contextValue);
      assert.equal(item.id, `session/${integrationId}/${id}`);
    }
    const resolved = tree(s).resolveTreeItem(itemOf(s, nodeOf(s, approved)), nodeOf(s, approved));
    const tooltip = (resolved.tooltip as vscode.MarkdownString).value;
    assert.ok(tooltip.includes(`\`${approved}\``), 'full id in code');
    for (const text of ['Test', RUN, 'typed', 'Status fetched', 'Added']) {
      assert.ok(tooltip.includes(text), `tooltip has ${text}: ${tooltip}`);
    }
    // Badge: deletable sessions (approved, created, declined); description: the integration.
    assert.equal(tree(s).view?.badge?.value, 3);
    assert.equal(tree(s).view?.description, 'Test');
  });

  it('puts the newest run first and keeps other integrations\' sessions out', async () => {
    const first = track('approved', 'run-a');
    await new Promise((r) => setTimeout(r, 5)); // a later addedAt for the second run
    const second = track('approved', 'run-b');
    s.sessions.store.add('another-integration', [randomUUID()], { source: 'typed', label: 'foreign' });
    try {
      assert.deepEqual(
        groups(s).map((g) => g.key),
        ['run-b', 'run-a'],
      );
      assert.deepEqual(
        sessionNodes(s).map((n) => n.session.id),
        [second, first],
      );
    } finally {
      s.sessions.store.remove('another-integration', s.sessions.store.list('another-integration').map((x) => x.id));
    }
  });

  it('groups by status with the view-title toggles (veriff.groupBy) and back by run', async () => {
    const approved = track('approved');
    const submitted = track('submitted');
    track('missing');
    await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions'));
    const rendered = nextRender(s);
    await vscode.commands.executeCommand('veriff.groupByStatus');
    await rendered;
    assert.equal(vscode.workspace.getConfiguration('veriff').get('groupBy'), 'status');
    const roots = groups(s);
    assert.deepEqual(
      roots.map((g) => g.key),
      ['submitted', 'approved', 'gone'],
    );
    const approvedGroup = itemOf(s, roots[1]);
    assert.equal(approvedGroup.label, 'approved');
    assert.equal(approvedGroup.description, '1 session');
    assert.equal(approvedGroup.contextValue, 'statusGroup');
    assert.deepEqual(
      (tree(s).getChildren(roots[0]) as SessionNode[]).map((n) => n.session.id),
      [submitted],
    );
    assert.ok((tree(s).getChildren(roots[1]) as SessionNode[]).some((n) => n.session.id === approved));
    const back = nextRender(s);
    await vscode.commands.executeCommand('veriff.groupByRun');
    await back;
    assert.deepEqual(
      groups(s).map((g) => g.key),
      [RUN],
    );
  });

  it('follows the active integration (rows and view description)', async () => {
    const mine = track('approved');
    const other = await startMockVeriff();
    try {
      await withUser([], () =>
        vscode.commands.executeCommand('veriff.setCredentials', { name: 'Staging', apiUrl: other.server.url, apiKey: other.apiKey, sharedSecret: other.sharedSecret }),
      );
      await nextRender(s);
      assert.equal(tree(s).view?.description, 'Staging');
      assert.deepEqual(groups(s), []);
      const switched = nextRender(s);
      await vscode.commands.executeCommand('veriff.selectIntegration', 'Test');
      await switched;
      assert.equal(tree(s).view?.description, 'Test');
      assert.deepEqual(
        sessionNodes(s).map((n) => n.session.id),
        [mine],
      );
    } finally {
      await other.server.close();
    }
  });

  it('re-renders once per burst of store changes (debounced) and keeps unchanged items cached', async () => {
    const a = track('approved');
    await nextRender(s);
    const itemBefore = itemOf(s, nodeOf(s, a));
    const before = tree(s).renderCount;
    const rendered = nextRender(s);
    for (let i = 0; i < 100; i++) {
      s.sessions.store.add(integrationId, [randomUUID()], { source: 'typed', label: RUN });
    }
    await rendered;
    assert.equal(tree(s).renderCount, before + 1, 'one render for 100 changes');
    assert.equal(tree(s).renderPending, false, 'nothing else queued');
    assert.equal(itemOf(s, nodeOf(s, a)), itemBefore, 'an unchanged record keeps its TreeItem');
    s.sessions.store.updateStatus(integrationId, a, 'declined');
    const itemAfter = itemOf(s, nodeOf(s, a));
    assert.notEqual(itemAfter, itemBefore, 'a changed record gets a new TreeItem');
    assert.match(String(itemAfter.description), /^declined/);
  });

  // How fast is measured by `npm run bench` (the tree rows, 10,000 sessions), not by a timed test:
  // a bound here failed once on a loaded machine (1621 ms against 1500). This checks what makes it
  // fast: rows are built once and reused while nothing they show changes.
  it('handles 10,000 sessions: every row once, and the same item again while nothing it shows changed', async () => {
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    s.sessions.store.add(integrationId, ids, { source: 'file', label: 'big-run' });
    const roots = groups(s);
    const rows = roots.flatMap((g) => tree(s).getChildren(g));
    assert.equal(rows.length, 10_000);
    const first = rows.map((node) => tree(s).getTreeItem(node));
    assert.equal(new Set(first.map((item) => item.id)).size, 10_000, 'one row per session');
    const again = rows.map((node) => tree(s).getTreeItem(node));
    assert.equal(again.filter((item, i) => item !== first[i]).length, 0, 'no row is built again');
    const changed = rows[1234];
    assert.equal(changed.kind, 'session');
    if (changed.kind !== 'session') return;
    s.sessions.store.updateStatus(integrationId, changed.session.id, 'approved');
    const afterChange = tree(s).getChildren(roots[0]);
    const built = new Set(first);
    const rebuilt = afterChange.map((node) => tree(s).getTreeItem(node)).filter((item) => !built.has(item));
    assert.equal(rebuilt.length, 1, 'only the changed row is built again');
    assert.equal(tree(s).deletableCount(), 10_000);
  });

  it('refreshes the clicked row or the selection only; 404 makes it gone', async () => {
    const a = track('approved');
    const b = track('declined');
    const c = track('missing');
    const untouched = track('created');
    const summary = await withUser([], () => vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions', nodeOf(s, b), [nodeOf(s, a), nodeOf(s, b), nodeOf(s, c)]));
    assert.equal(summary?.requested, 3);
    const store = s.sessions.store;
    assert.equal(store.get(integrationId, a)?.status, 'approved');
    assert.equal(store.get(integrationId, b)?.status, 'declined');
    assert.equal(store.get(integrationId, c)?.status, 'gone');
    assert.equal(store.get(integrationId, untouched)?.status, 'unknown');
    assert.ok(!mock.server.requests.some((r) => r.path.includes(untouched)), 'no request for a session not asked about');
    // A group refreshes its sessions.
    await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions', groups(s)[0], [groups(s)[0]]));
    assert.equal(store.get(integrationId, untouched)?.status, 'created');
  });

  it('records failures on the rows and shows one summary message; never more than 4 requests at once', async () => {
    const ids = Array.from({ length: 10 }, () => track('approved'));
    // Count concurrent requests at the server while each GET waits 100 ms.
    const watch = watchRequests(mock);
    mock.server.injectFault({ kind: 'delay', ms: 100 }, { times: Infinity, method: 'GET' });
    try {
      const ok = await withUser([], () => vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions'));
      assert.equal(ok?.refreshed, 10);
      assert.equal(watch.arrived(), 10, 'one GET per decided session');
      assert.equal(watch.maxInFlight(), 4, 'the concurrency limit is reached and kept');
    } finally {
      watch.dispose();
      mock.server.clearFaults();
    }
    mock.server.injectFault('http500', { times: Infinity, method: 'GET', pathIncludes: ids[0] });
    mock.server.injectFault('http500', { times: Infinity, method: 'GET', pathIncludes: ids[1] });
    await withUser([], async (user) => {
      const summary = await vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions');
      assert.equal(summary?.failed, 2);
      assert.equal(summary?.refreshed, 8);
      const errors = user.messages('error');
      assert.equal(errors.length, 1, 'a single summary message');
      assert.match(errors[0], /Could not refresh 2 of 10/);
    });
    const row = s.sessions.store.get(integrationId, ids[0])!;
    assert.equal(row.lastError?.code, '1101');
    assert.match(String(itemOf(s, nodeOf(s, ids[0])).description), /⚠ 1101/);
    const tooltip = (tree(s).resolveTreeItem(itemOf(s, nodeOf(s, ids[0])), nodeOf(s, ids[0])).tooltip as vscode.MarkdownString).value;
    assert.match(tooltip, /Last error/);
    // A later successful refresh clears the error.
    mock.server.clearFaults();
    await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions', ids[0]));
    assert.equal(s.sessions.store.get(integrationId, ids[0])!.lastError, undefined);
  });

  it('stops starting requests when the refresh is cancelled', async () => {
    for (let i = 0; i < 12; i++) {
      track('approved');
    }
    mock.server.injectFault({ kind: 'delay', ms: 150 }, { times: Infinity, method: 'GET' });
    const controller = new AbortController();
    const watch = watchRequests(mock);
    await withUser([], async (user) => {
      const pending = vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions', undefined, undefined, controller.signal);
      await until('the first status requests', () => watch.arrived() > 0);
      controller.abort();
      const summary = await pending;
      assert.equal(summary?.cancelled, true);
      assert.ok((summary?.skipped ?? 0) >= 8, `skipped ${summary?.skipped}`);
      assert.ok((summary?.refreshed ?? 0) <= 4);
      assert.match(user.messages('status').join('\n'), /Refresh cancelled/);
    });
    watch.dispose();
    assert.ok(watch.arrived() <= 4, `${watch.arrived()} requests reached the server`);
  });

  it('refreshes stale statuses by itself when the view becomes visible, at most once a minute', async () => {
    const auto = tree(s).autoRefresh as AutoRefresher;
    assert.ok(auto, 'the view has an automatic refresher');
    const decided = (): Promise<AutoRefreshDecision> =>
      new Promise((resolve) => {
        const sub = auto.onDidDecide((d) => {
          sub.dispose();
          resolve(d);
        });
      });
    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the sessions view to be hidden', () => tree(s).view?.visible === false);
    auto.resetThrottle();
    const stale = [track('approved'), track('submitted')];
    const fresh = track('declined');
    s.sessions.store.updateStatus(integrationId, fresh, 'declined');
    const first = decided();
    await vscode.commands.executeCommand('veriff.sessions.focus');
    const decision = await first;
    assert.equal(decision.ran, true);
    assert.equal(decision.ran && decision.summary.refreshed, 2);
    assert.equal(s.sessions.store.get(integrationId, stale[0])?.status, 'approved');
    assert.equal(s.sessions.store.get(integrationId, stale[1])?.status, 'submitted');
    assert.ok(!mock.server.requests.some((r) => r.path.includes(fresh)), 'a fresh status is not fetched');
    const requests = mock.server.requests.length;

    // Hidden and shown again within the minute: nothing is sent.
    track('created');
    await vscode.commands.executeCommand('workbench.view.explorer');
    await until('the sessions view to be hidden', () => tree(s).view?.visible === false);
    const second = decided();
    await vscode.commands.executeCommand('veriff.sessions.focus');
    assert.deepEqual(await second, { ran: false, reason: 'throttled' });
    assert.equal(mock.server.requests.length, requests);
  });

  it('stops tracking the clicked row, the selection, a group or picked sessions without calling Veriff', async () => {
    const [a, b, c, d] = [track('approved'), track('approved'), track('approved'), track('approved', 'run-2')];
    await withUser([], async (user) => {
      const removed = await vscode.commands.executeCommand<string[]>('veriff.untrackSession', nodeOf(s, a), [nodeOf(s, a), nodeOf(s, b)]);
      assert.deepEqual(removed?.sort(), [a, b].sort());
      assert.match(user.messages('status')[0], /Stopped tracking 2 sessions/);
    });
    await withUser([{ pick: [c] }], () => vscode.commands.executeCommand('veriff.untrackSession'));
    assert.equal(s.sessions.store.has(integrationId, c), false);
    const run2 = groups(s).find((g) => g.key === 'run-2')!;
    await withUser([], () => vscode.commands.executeCommand('veriff.untrackSession', run2, [run2]));
    assert.equal(s.sessions.store.size(integrationId), 0);
    assert.equal(s.sessions.store.has(integrationId, d), false);
    assert.deepEqual(mock.server.requests, [], 'nothing was sent to Veriff');
  });

  it('copies the full id of the clicked row, or of every selected row', async () => {
    const a = track('approved');
    const b = track('created');
    assert.equal(await vscode.commands.executeCommand('veriff.copySessionId', nodeOf(s, a)), a);
    assert.equal(await vscode.env.clipboard.readText(), a);
    await vscode.commands.executeCommand('veriff.copySessionId', nodeOf(s, b), [nodeOf(s, a), nodeOf(s, b)]);
    assert.equal(await vscode.env.clipboard.readText(), `${a}\n${b}`);
  });

  it('contributes the menus: item-only commands hidden from the palette, delete last in the context menu', () => {
    const ext = vscode.extensions.getExtension('veriff-test-sessions.veriff-test-sessions')!;
    const menus = ext.packageJSON.contributes.menus;
    const palette: Array<{ command: string; when?: string }> = menus.commandPalette;
    assert.equal(palette.find((m) => m.command === 'veriff.copySessionId')?.when, 'false');
    assert.equal(palette.find((m) => m.command === 'veriff.deleteSession')?.when, 'veriff.hasCredentials', 'delete stays in the palette once there are credentials');
    const item: Array<{ command: string; group: string; when: string }> = menus['view/item/context'];
    const groupsInOrder = item.filter((m) => m.group !== 'inline@1' && !m.group.startsWith('inline')).map((m) => m.group).sort();
    assert.equal(item.find((m) => m.command === 'veriff.deleteSession' && !m.group.startsWith('inline'))?.group, '9_delete@1');
    assert.ok(groupsInOrder[groupsInOrder.length - 1].startsWith('9_delete'));
    assert.ok(item.some((m) => m.command === 'veriff.deleteSession' && m.group.startsWith('inline') && m.when.includes('session.deletable')));
    const title: Array<{ command: string; group: string }> = menus['view/title'];
    for (const command of ['veriff.refreshSessions', 'veriff.selectIntegration', 'veriff.trackSessions']) {
      assert.ok(title.some((m) => m.command === command && m.group.startsWith('navigation')), `${command} in the title bar`);
    }
    for (const command of ['veriff.groupByRun', 'veriff.groupByStatus']) {
      assert.ok(title.some((m) => m.command === command && !m.group.startsWith('navigation')), `${command} in the ... menu`);
    }
  });
  describe('change events: only what changed, coalesced', () => {
    it('a status fetch of one row fires that row only, as the same node object, also when the status changes', async () => {
      const ids = Array.from({ length: 30 }, () => track('approved'));
      await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions'));
      await settled(s);
      renderAll(s);
      const node = nodeOf(s, ids[7]);
      const fired = recordFires(s);
      try {
        await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions', node, [node]));
        await settled(s);
        assert.equal(describeFired(fired.events), JSON.stringify([[`row ${ids[7].slice(0, 8)}`]]));
        assert.equal(fired.events[0]![0], node, 'the very node VS Code holds, so it finds the row');
        assert.equal(nodeOf(s, ids[7]), node, 'the row keeps its node');

        // Veriff now says "submitted" (not deletable): still that row alone, and the badge follows.
        mock.server.state.setStatus(ids[7], 'submitted');
        renderAll(s);
        fired.events.length = 0;
        await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions', node, [node]));
        await settled(s);
        assert.equal(describeFired(fired.events), JSON.stringify([[`row ${ids[7].slice(0, 8)}`]]));
        assert.match(String(itemOf(s, node).description), /^submitted/);
        assert.equal(tree(s).view?.badge?.value, 29);
      } finally {
        fired.dispose();
      }
    });

    it('a refresh of many sessions fires batches of rows, never the whole tree', async () => {
      const ids = Array.from({ length: 32 }, () => track('approved'));
      await settled(s);
      renderAll(s);
      const fired = recordFires(s);
      mock.server.injectFault({ kind: 'delay', ms: 30 }, { times: Infinity, method: 'GET' });
      try {
        const summary = await withUser([], () => vscode.commands.executeCommand<RefreshSummary>('veriff.refreshSessions'));
        assert.equal(summary?.refreshed, 32);
        await settled(s);
        assert.ok(fired.events.length > 1 && fired.events.length < 16, `coalesced into a few events: ${describeFired(fired.events)}`);
        assert.ok(fired.events.every((e) => e !== undefined && e.every((n) => n.kind === 'session')), `rows only: ${describeFired(fired.events)}`);
        const rows = fired.events.flatMap((e) => e ?? []) as SessionNode[];
        assert.deepEqual(new Set(rows.map((n) => n.session.id)), new Set(ids), 'every row once its status arrived');
        assert.ok(rows.every((n) => n === nodeOf(s, n.session.id)));
      } finally {
        fired.dispose();
        mock.server.clearFaults();
      }
    });

    it('fires nothing for the timer or unrelated state when no row changed, and the rows whose age text did', async () => {
      const ids = [track('approved'), track('approved', 'run-b')];
      await withUser([], () => vscode.commands.executeCommand('veriff.refreshSessions'));
      await settled(s);
      renderAll(s);
      const fired = recordFires(s);
      const other = await startMockVeriff();
      const mutable = s as { clock: Clock };
      const clock = s.clock;
      try {
        tree(s).refreshRows(); // the minute tick, or a change of the delete queue
        s.sessions.store.add('another-integration', [randomUUID()], { source: 'typed', label: RUN });
        await withUser([], () =>
          vscode.commands.executeCommand('veriff.setCredentials', { name: 'Other', apiUrl: other.server.url, apiKey: other.apiKey, sharedSecret: other.sharedSecret }),
        );
        await vscode.commands.executeCommand('veriff.selectIntegration', 'Test');
        await settled(s);
        fired.events.length = 0;
        renderAll(s);
        await s.credentials.remove(s.credentials.list().find((i) => i.name === 'Other')!.id); // not the active one
        tree(s).refreshRows();
        await settled(s);
        assert.deepEqual(describeFired(fired.events), '[]');

        mutable.clock = { now: () => clock.now() + 5 * 60_000 };
        tree(s).refreshRows();
        await settled(s);
        assert.equal(fired.events.length, 1);
        assert.deepEqual(new Set((fired.events[0] ?? []).map((n) => (n as SessionNode).session?.id)), new Set(ids), 'both rows (5m ago), no group');
        assert.match(String(itemOf(s, nodeOf(s, ids[0])).description), /approved · 5 min\. ago/);
      } finally {
        mutable.clock = clock;
        fired.dispose();
        s.sessions.store.remove('another-integration', s.sessions.store.list('another-integration').map((x) => x.id));
        await other.server.close();
      }
    });

    it('a session added to a run fires that run; a new run fires the whole tree', async () => {
      track('approved');
      await new Promise((r) => setTimeout(r, 5)); // run-b is the newest run, shown first
      track('approved', 'run-b');
      await settled(s);
      renderAll(s);
      const fired = recordFires(s);
      try {
        await new Promise((r) => setTimeout(r, 5));
        track('approved', 'run-b'); // still the newest run: the order of the runs stays
        await settled(s);
        assert.equal(describeFired(fired.events), JSON.stringify([['group run-b']]));
        fired.events.length = 0;
        track('approved', 'run-c');
        await settled(s);
        assert.equal(describeFired(fired.events), JSON.stringify(['whole tree']));
      } finally {
        fired.dispose();
      }
    });
  });
});
