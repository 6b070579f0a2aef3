import * as vscode from 'vscode';
import { ageText as relativeAge, dateTimeText } from '../core/relativeTime';
import { shortEta } from './budget/budgetText';
import type { SessionStoreChange, TrackedSession } from '../core/sessions';
import { isDeletableStatus, type SessionStatus } from '../core/status';
import type { GroupNode, SessionNode, SessionRef, SessionTreeNode } from './sessionArgs';
import type { Services } from './services';
import { settings } from './settings';
import { ViewFocus } from './viewFocus';

export const SESSIONS_VIEW_ID = 'veriff.sessions';
/** Store changes arriving within this window are rendered once. */
export const RENDER_DEBOUNCE_MS = 50;
const AGE_TICK_MS = 60_000;
/** Up to this many sessions every group starts expanded; above it only the first one. */
const EXPAND_ALL_UP_TO = 200;

// ---- how a status looks -------------------------------------------------------------------

const STATUS_ICONS: Record<SessionStatus, vscode.ThemeIcon> = {
  approved: new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green')),
  declined: new vscode.ThemeIcon('error', new vscode.ThemeColor('charts.red')),
  submitted: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  review: new vscode.ThemeIcon('clock', new vscode.ThemeColor('charts.yellow')),
  created: new vscode.ThemeIcon('circle-outline'),
  started: new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('charts.blue')),
  expired: new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground')),
  abandoned: new vscode.ThemeIcon('history', new vscode.ThemeColor('disabledForeground')),
  resubmission_requested: new vscode.ThemeIcon('warning', new vscode.ThemeColor('charts.orange')),
  gone: new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground')),
  unknown: new vscode.ThemeIcon('question'),
};
const RUN_ICON = new vscode.ThemeIcon('layers');

export function statusIcon(status: SessionStatus): vscode.ThemeIcon {
  return STATUS_ICONS[status] ?? STATUS_ICONS.unknown;
}

/** The codicon name, for quick-pick labels and tooltips (`$(name)`). */
export function statusCodicon(status: SessionStatus): string {
  return statusIcon(status).id;
}

/** A tracked session as a quick-pick item: status icon and id, status and age, the run's label. */
export function sessionPickItem(session: TrackedSession, nowMs: number): vscode.QuickPickItem & { ref: SessionRef } {
  return {
    label: `$(${statusCodicon(session.status)}) ${session.id}`,
    description: `${statusText(session.status)} · ${ageText(session.addedAt, nowMs)}`,
    detail: session.label,
    ref: { integrationId: session.integrationId, id: session.id },
  };
}

export function statusText(status: SessionStatus): string {
  switch (status) {
    case 'created':
      return vscode.l10n.t('created');
    case 'started':
      return vscode.l10n.t('started');
    case 'submitted':
      return vscode.l10n.t('submitted');
    case 'review':
      return vscode.l10n.t('in review');
    case 'approved':
      return vscode.l10n.t('approved');
    case 'declined':
      return vscode.l10n.t('declined');
    case 'resubmission_requested':
      return vscode.l10n.t('resubmission requested');
    case 'expired':
      return vscode.l10n.t('expired');
    case 'abandoned':
      return vscode.l10n.t('abandoned');
    case 'gone':
      return vscode.l10n.t('gone');
    default:
      return vscode.l10n.t('status unknown');
  }
}

/** "5 min. ago" / "vor 5 Min." in the display language. */
export function ageText(fromMs: number, nowMs: number): string {
  return relativeAge(fromMs, nowMs, vscode.env.language);
}

/** `session.deletable` (as far as known), `session.notDeletable` (Veriff is processing it) or `session.gone`. */
export function sessionContextValue(status: SessionStatus): string {
  return status === 'gone' ? 'session.gone' : isDeletableStatus(status) ? 'session.deletable' : 'session.notDeletable';
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

// ---- the provider ---------------------------------------------------------------------------

interface CachedItem {
  item: vscode.TreeItem;
  age: string;
}

/**
 * The tracked sessions of the active integration, grouped by run (label) or by status. It reads
 * the store on demand and re-renders (the whole tree, debounced) only from the store's change
 * events, the active integration and the grouping setting. Tree items are cached per session
 * record: records are immutable, so an unchanged record keeps its item.
 */
export class SessionTreeProvider implements vscode.TreeDataProvider<SessionTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rendered = new vscode.EventEmitter<void>();
  /** Fires after each (debounced) re-render was announced; for the view's badge and tests. */
  readonly onDidRender = this.rendered.event;

  private roots: GroupNode[] | undefined;
  private rootsTotal = 0;
  private readonly children = new WeakMap<GroupNode, SessionNode[]>();
  private readonly nodes = new WeakMap<TrackedSession, SessionNode>();
  private readonly items = new WeakMap<TrackedSession, CachedItem>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Re-renders announced so far (tests check that a burst of changes renders once). */
  renderCount = 0;
  /** The view showing this provider (set by registerSessionsView). */
  view: vscode.TreeView<SessionTreeNode> | undefined;
  /** The view's selection while it has the focus (for tree commands called bare). */
  focus: ViewFocus<SessionTreeNode> | undefined;

  /** Whether a debounced re-render is waiting to be announced. */
  get renderPending(): boolean {
    return this.timer !== undefined;
  }

  /**
   * @param autoRefresh what refreshes stale statuses when the view becomes visible (kept here so
   * tests reach it through `services.sessionTree`).
   */
  constructor(
    private readonly services: Services,
    readonly autoRefresh?: { trigger(): void },
  ) {
    const sub = services.sessions.store.onDidChange((change: SessionStoreChange) => {
      const active = this.activeIntegrationId();
      const affects = change.kind === 'replaced' ? change.integrationIds.includes(active ?? '') : change.integrationId === active;
      if (affects) {
        this.invalidate();
      }
    });
    this.disposables.push(
      { dispose: () => sub.dispose() },
      services.credentials.onDidChange(() => this.invalidate()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.groupBy')) {
          this.invalidate();
        }
      }),
      this.changed,
      this.rendered,
    );
  }

  activeIntegrationId(): string | undefined {
    return this.services.credentials.active()?.id;
  }

  /** Forgets the computed groups now and announces a re-render after the debounce. */
  invalidate(): void {
    this.roots = undefined;
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.renderCount++;
      this.changed.fire(undefined);
      this.rendered.fire();
    }, RENDER_DEBOUNCE_MS);
  }

  /** Re-renders when some row's age text is out of date (called once a minute while visible). */
  refreshAges(): void {
    const integrationId = this.activeIntegrationId();
    if (!integrationId) {
      return;
    }
    const now = this.services.clock.now();
    for (const session of this.services.sessions.store.list(integrationId)) {
      const cached = this.items.get(session);
      if (cached && cached.age !== this.rowKey(session, now)) {
        this.scheduleRender();
        return;
      }
    }
  }

  getChildren(node?: SessionTreeNode): SessionTreeNode[] {
    if (!node) {
      return this.groups();
    }
    if (node.kind === 'session') {
      return [];
    }
    let list = this.children.get(node);
    if (!list) {
      list = node.sessions.map((session) => this.nodeFor(session));
      this.children.set(node, list);
    }
    return list;
  }

  getParent(node: SessionTreeNode): SessionTreeNode | undefined {
    if (node.kind === 'group') {
      return undefined;
    }
    return this.groups().find((g) => (g.by === 'run' ? g.key === node.session.label : g.key === node.session.status));
  }

  getTreeItem(node: SessionTreeNode): vscode.TreeItem {
    return node.kind === 'group' ? this.groupItem(node) : this.sessionItem(node.session);
  }

  resolveTreeItem(item: vscode.TreeItem, node: SessionTreeNode): vscode.TreeItem {
    if (node.kind === 'session' && item.tooltip === undefined) {
      item.tooltip = this.tooltip(node.session);
    }
    return item;
  }

  /** The groups of the active integration (computed once per change). */
  groups(): GroupNode[] {
    if (this.roots) {
      return this.roots;
    }
    const integrationId = this.activeIntegrationId();
    const store = this.services.sessions.store;
    let roots: GroupNode[] = [];
    if (integrationId) {
      roots =
        settings.groupBy() === 'status'
          ? store.groupByStatus(integrationId).map((g) => ({ kind: 'group', by: 'status', key: g.status, status: g.status, integrationId, sessions: g.sessions }))
          : store.groupByLabel(integrationId).map((g) => ({ kind: 'group', by: 'run', key: g.label, integrationId, sessions: g.sessions }));
    }
    this.roots = roots;
    this.rootsTotal = roots.reduce((n, g) => n + g.sessions.length, 0);
    return roots;
  }

  /** Sessions of the active integration a DELETE may be sent for as far as known. */
  deletableCount(): number {
    const integrationId = this.activeIntegrationId();
    return integrationId ? this.services.sessions.store.deletableCount(integrationId) : 0;
  }

  private nodeFor(session: TrackedSession): SessionNode {
    let node = this.nodes.get(session);
    if (!node) {
      node = { kind: 'session', session };
      this.nodes.set(session, node);
    }
    return node;
  }

  private groupItem(group: GroupNode): vscode.TreeItem {
    const total = group.sessions.length;
    const first = this.groups()[0];
    const expanded = this.rootsTotal <= EXPAND_ALL_UP_TO || (first !== undefined && first.key === group.key);
    const label = group.by === 'status' ? statusText(group.status ?? 'unknown') : group.key;
    const item = new vscode.TreeItem(label, expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `group/${group.integrationId}/${group.by}/${group.key}`;
    let deletable = 0;
    for (const s of group.sessions) {
      if (isDeletableStatus(s.status)) {
        deletable++;
      }
    }
    const count = total === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', total);
    item.description = group.by === 'run' ? vscode.l10n.t('{0} · {1} deletable', count, deletable) : count;
    item.iconPath = group.by === 'status' ? statusIcon(group.status ?? 'unknown') : RUN_ICON;
    item.contextValue = group.by === 'run' ? 'run' : 'statusGroup';
    item.tooltip = group.by === 'run' ? vscode.l10n.t('Run "{0}": {1}, {2} deletable', group.key, count, deletable) : undefined;
    return item;
  }

  private sessionItem(session: TrackedSession): vscode.TreeItem {
    const now = this.services.clock.now();
    const age = ageText(session.addedAt, now);
    const key = this.rowKey(session, now);
    const cached = this.items.get(session);
    if (cached && cached.age === key) {
      return cached.item;
    }
    const queued = this.queuedText(session.id);
    const item = new vscode.TreeItem(shortId(session.id), vscode.TreeItemCollapsibleState.None);
    item.id = `session/${session.integrationId}/${session.id}`;
    const error = session.lastError ? ` · ⚠ ${session.lastError.code ?? vscode.l10n.t('error')}` : '';
    item.description = `${statusText(session.status)} · ${age}${queued ? ` · ${queued}` : ''}${error}`;
    item.iconPath = statusIcon(session.status);
    item.contextValue = sessionContextValue(session.status);
    item.accessibilityInformation = {
      label: vscode.l10n.t('Session {0}, {1}, added {2}', session.id, statusText(session.status), age),
    };
    this.items.set(session, { item, age: key });
    return item;
  }

  /** What a row's text depends on besides its (immutable) record: its age and its place in the delete queue. */
  private rowKey(session: TrackedSession, now: number): string {
    const queued = this.queuedText(session.id);
    return queued ? `${ageText(session.addedAt, now)}|${queued}` : ageText(session.addedAt, now);
  }

  /** "queued · ETA 2h" while the session waits in the delete queue, "deleting…" while its DELETE is out. */
  private queuedText(id: string): string | undefined {
    const view = this.services.deleteQueue;
    const info = view?.queuedInfo(id);
    if (!view || !info) {
      return undefined;
    }
    return info.sending ? vscode.l10n.t('deleting…') : vscode.l10n.t('queued · ETA {0}', shortEta(info.eta, view.now()));
  }

  private tooltip(session: TrackedSession): vscode.MarkdownString {
    const now = this.services.clock.now();
    const integration = this.services.credentials.list().find((i) => i.id === session.integrationId);
    const md = new vscode.MarkdownString(undefined, true);
    const line = (key: string, value: string): void => {
      md.appendMarkdown(`**${key}:** `);
      md.appendText(value);
      md.appendMarkdown('  \n');
    };
    md.appendMarkdown(`$(${statusCodicon(session.status)}) \`${session.id}\`\n\n`);
    line(vscode.l10n.t('Status'), statusText(session.status));
    line(
      vscode.l10n.t('Status fetched'),
      session.statusFetchedAt === undefined ? vscode.l10n.t('never') : `${dateTimeText(session.statusFetchedAt, vscode.env.language)} (${ageText(session.statusFetchedAt, now)})`,
    );
    line(vscode.l10n.t('Integration'), integration?.name ?? session.integrationId);
    line(vscode.l10n.t('Run'), session.label);
    line(vscode.l10n.t('Source'), session.source);
    line(vscode.l10n.t('Added'), `${dateTimeText(session.addedAt, vscode.env.language)} (${ageText(session.addedAt, now)})`);
    if (session.vendorData !== undefined) {
      line(vscode.l10n.t('Vendor data'), session.vendorData);
    }
    if (session.lastError) {
      const code = session.lastError.code !== undefined ? ` (${vscode.l10n.t('code {0}', String(session.lastError.code))})` : '';
      line(vscode.l10n.t('Last error'), `${session.lastError.message}${code}, ${ageText(session.lastError.at, now)}`);
    }
    return md;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    for (const d of this.disposables) {
      d.dispose();
    }
  }
}

// ---- the view -------------------------------------------------------------------------------

export interface SessionsViewOptions {
  /** Told (undebounced) each time the view becomes visible. */
  autoRefresh?: { trigger(): void };
}

/**
 * Creates the `veriff.sessions` view on the provider and keeps its chrome in step: the badge
 * (deletable sessions) and the description (active integration).
 */
export function registerSessionsView(services: Services, options: SessionsViewOptions = {}): vscode.Disposable[] {
  const provider = new SessionTreeProvider(services, options.autoRefresh);
  services.sessionTree = provider;
  const view = vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });
  provider.view = view;
  provider.focus = new ViewFocus(view);
  const updateChrome = (): void => {
    const active = services.credentials.active();
    view.description = active?.name;
    const deletable = provider.deletableCount();
    view.badge = deletable > 0 ? { value: deletable, tooltip: vscode.l10n.t('Tracked sessions that can be deleted: {0}', deletable) } : undefined;
  };
  updateChrome();

  let ageTimer: ReturnType<typeof setInterval> | undefined;
  const onVisibility = (visible: boolean): void => {
    if (visible) {
      ageTimer ??= setInterval(() => provider.refreshAges(), AGE_TICK_MS);
      options.autoRefresh?.trigger();
    } else if (ageTimer) {
      clearInterval(ageTimer);
      ageTimer = undefined;
    }
  };
  if (view.visible) {
    onVisibility(true);
  }
  return [
    provider,
    provider.focus,
    view,
    provider.onDidRender(updateChrome),
    view.onDidChangeVisibility((e) => onVisibility(e.visible)),
    {
      dispose: () => {
        if (ageTimer) {
          clearInterval(ageTimer);
        }
        if (services.sessionTree === provider) {
          services.sessionTree = undefined;
        }
      },
    },
  ];
}
