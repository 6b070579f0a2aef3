import * as vscode from 'vscode';
import { shortEta } from './budget/budgetText';
import type { SessionStoreChange, TrackedSession } from '../core/sessions';
import type { SessionStatus } from '../core/status';
import type { GroupNode, SessionNode, SessionTreeNode } from './sessionArgs';
import type { BaseServices } from './baseServices';
import type { DeleteQueueView } from './budget/queueView';
import { groupTreeItem, rowSignature, sessionTreeItem } from './sessionTreeItems';
import { settings } from './settings';
import type { ViewFocus } from './viewFocus';

/** Store changes arriving within this window are rendered once. */
export const RENDER_DEBOUNCE_MS = 50;
export const AGE_TICK_MS = 60_000;

/** A row's hover details (sessionTooltip.ts, in dist/veriff.js: built only when the user hovers a row). */
export interface RowDetails {
  sessionTooltip(session: TrackedSession, integrationName: string, now: number): vscode.MarkdownString;
}
/** Up to this many sessions every group starts expanded; above it only the first one. */
const EXPAND_ALL_UP_TO = 200;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The grouping VS Code was last told about (what a change is measured against). */
interface Shape {
  integrationId: string | undefined;
  integrationName: string | undefined;
  by: 'run' | 'status';
  groups: Mutable<GroupNode>[];
  total: number;
}

interface CachedItem {
  item: vscode.TreeItem;
  signature: string;
}

/**
 * The tracked sessions of the active integration, grouped by run (label) or by status.
 *
 * Changes are announced for the elements that changed, never more: the workbench re-renders every
 * element it is told about with all its descendants, and while it fetches them again a context-menu
 * command on one of them gets no argument (a whole-tree refresh re-renders every row). Every row
 * and group keeps one node object for as long as it exists (its `session` or `sessions` is updated
 * in place), because VS Code finds the element to refresh by identity. Store changes, the queue and
 * the age timer only mark what may have changed; within RENDER_DEBOUNCE_MS the provider compares
 * that with what VS Code was given and fires one event: the rows whose text changed, the groups
 * whose members changed, and the whole tree only when the groups themselves changed (a new or
 * finished run, another integration, the grouping, a session moving to another status group).
 */
export class SessionTreeProvider implements vscode.TreeDataProvider<SessionTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly rendered = new vscode.EventEmitter<void>();
  /** Fires after each (debounced) update, once its change event (if any) is out; for the view's badge and tests. */
  readonly onDidRender = this.rendered.event;

  private shape: Shape | undefined;
  private readonly groupNodes = new Map<string, Mutable<GroupNode>>();
  private readonly sessionNodes = new Map<string, Mutable<SessionNode>>();
  private readonly children = new WeakMap<GroupNode, SessionNode[]>();
  /** What VS Code was last given for a node (its signature); a node it never got needs no event. */
  private readonly shown = new WeakMap<SessionNode, string>();
  private readonly items = new WeakMap<SessionNode, CachedItem>();

  /** Something may have changed since the last sync. */
  private dirty = true;
  /** Sessions the store reported as changed since the last sync. */
  private readonly changedIds = new Set<string>();
  /** Compare every row (ages, queue state, another window's store). */
  private checkAllRows = false;
  /** What the next announcement fires. */
  private fireWholeTree = false;
  private readonly toFire = new Set<SessionTreeNode>();

  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Debounced updates so far (tests check that a burst of changes is handled once). */
  renderCount = 0;
  /** The view showing this provider (set by registerSessionsView). */
  view: vscode.TreeView<SessionTreeNode> | undefined;
  /** The view's selection while it has the focus (for tree commands called bare). */
  focus: ViewFocus<SessionTreeNode> | undefined;

  /** Whether a debounced change event is waiting to be announced. */
  get renderPending(): boolean {
    return this.timer !== undefined;
  }

  /** What refreshes stale statuses when the view becomes visible (set when the view is registered). */
  autoRefresh?: { trigger(): void };

  constructor(
    private readonly services: BaseServices,
    private readonly queueView: DeleteQueueView,
    private readonly details: () => RowDetails,
  ) {
    const sub = services.sessions.store.onDidChange((change: SessionStoreChange) => this.onStoreChange(change));
    this.disposables.push(
      { dispose: () => sub.dispose() },
      // Which integration is active (and its name, in the tooltips); compared in sync().
      services.credentials.onDidChange(() => this.markDirty()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('veriff.groupBy')) {
          this.markDirty();
        }
      }),
      this.changed,
      this.rendered,
    );
  }

  activeIntegrationId(): string | undefined {
    return this.services.credentials.active()?.id;
  }

  /**
   * Re-renders the rows whose text is out of date: their age ("5 min ago", once a minute while the
   * view is visible) or their place in the delete queue (when the queue changes).
   */
  refreshRows(): void {
    this.checkAllRows = true;
    this.markDirty();
  }

  private onStoreChange(change: SessionStoreChange): void {
    const active = this.activeIntegrationId();
    if (change.kind === 'replaced') {
      if (change.integrationIds.includes(active ?? '')) {
        this.checkAllRows = true; // another window's state: every record is a new object
        this.markDirty();
      }
    } else if (change.integrationId === active) {
      change.ids.forEach((id) => this.changedIds.add(id));
      this.markDirty();
    }
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sync();
      this.announce();
    }, RENDER_DEBOUNCE_MS);
  }

  /** After each debounced sync: the change event (when VS Code shows something that changed), then onDidRender. */
  private announce(): void {
    if (this.fireWholeTree || this.toFire.size > 0) {
      const elements = this.fireWholeTree ? undefined : [...this.toFire];
      this.fireWholeTree = false;
      this.toFire.clear();
      this.changed.fire(elements);
    }
    this.renderCount++;
    this.rendered.fire();
  }

  /** Brings the nodes up to date with the store and collects what changed for the next announcement. */
  private sync(): void {
    if (!this.dirty) {
      return;
    }
    this.dirty = false;
    const changedIds = new Set(this.changedIds);
    this.changedIds.clear();
    const allRows = this.checkAllRows;
    this.checkAllRows = false;

    const active = this.services.credentials.active();
    const by = settings.groupBy() === 'status' ? 'status' : 'run';
    const fresh = this.readGroups(active?.id, by);
    const shape = this.shape;
    if (
      !shape ||
      shape.integrationId !== active?.id ||
      shape.integrationName !== active?.name ||
      shape.by !== by ||
      shape.groups.length !== fresh.length ||
      shape.groups.some((g, i) => g.key !== fresh[i].key)
    ) {
      this.reshape(active?.id, active?.name, by, fresh);
      this.fireWholeTree ||= shape !== undefined;
      return;
    }

    const now = this.services.clock.now();
    const seen = new Set<string>();
    const left = new Set<string>();
    const joined = new Set<string>();
    shape.total = 0;
    shape.groups.forEach((group, i) => {
      const sessions = fresh[i].sessions;
      const before = group.sessions;
      group.sessions = sessions;
      shape.total += sessions.length;
      const rows = sessions.map((session) => this.nodeFor(session));
      this.children.set(group, rows);
      sessions.forEach((session) => seen.add(session.id));
      const membersChanged = before.length !== sessions.length || before.some((session, k) => session.id !== sessions[k].id);
      if (membersChanged) {
        const is = new Set(sessions.map((x) => x.id));
        const was = new Set(before.map((x) => x.id));
        before.forEach((x) => !is.has(x.id) && left.add(x.id));
        sessions.forEach((x) => !was.has(x.id) && joined.add(x.id));
      }
      if (membersChanged) {
        this.toFire.add(group); // its rows are fetched again with it
        return;
      }
      for (const row of rows) {
        if (!allRows && !changedIds.has(row.session.id)) {
          continue;
        }
        const shownRow = this.shown.get(row);
        if (shownRow !== undefined && shownRow !== this.rowSignature(row.session, now)) {
          this.toFire.add(row);
        }
      }
    });
    for (const id of this.sessionNodes.keys()) {
      if (!seen.has(id)) {
        this.sessionNodes.delete(id);
      }
    }
    if ([...joined].some((id) => left.has(id))) {
      // A session moved to another (status) group: the same element must not sit in two groups
      // while the workbench updates them one by one.
      this.fireWholeTree = true;
    }
  }

  private readGroups(integrationId: string | undefined, by: 'run' | 'status'): Array<{ key: string; status?: SessionStatus; sessions: readonly TrackedSession[] }> {
    if (!integrationId) {
      return [];
    }
    const store = this.services.sessions.store;
    return by === 'status'
      ? store.groupByStatus(integrationId).map((g) => ({ key: g.status, status: g.status, sessions: g.sessions }))
      : store.groupByLabel(integrationId).map((g) => ({ key: g.label, sessions: g.sessions }));
  }

  /** New groups (the whole tree is announced); rows and groups that stay keep their node objects. */
  private reshape(
    integrationId: string | undefined,
    integrationName: string | undefined,
    by: 'run' | 'status',
    fresh: ReturnType<SessionTreeProvider['readGroups']>,
  ): void {
    if (this.shape?.integrationId !== integrationId) {
      this.groupNodes.clear();
      this.sessionNodes.clear();
    }
    const groups: Mutable<GroupNode>[] = [];
    const seenGroups = new Set<string>();
    const seen = new Set<string>();
    let total = 0;
    for (const g of fresh) {
      const nodeKey = `${by}/${g.key}`;
      let group = this.groupNodes.get(nodeKey);
      if (!group) {
        group = { kind: 'group', by, key: g.key, integrationId: integrationId!, sessions: g.sessions };
        if (g.status) {
          group.status = g.status;
        }
        this.groupNodes.set(nodeKey, group);
      }
      group.sessions = g.sessions;
      this.children.set(group, g.sessions.map((session) => this.nodeFor(session)));
      g.sessions.forEach((session) => seen.add(session.id));
      seenGroups.add(nodeKey);
      groups.push(group);
      total += g.sessions.length;
    }
    for (const key of this.groupNodes.keys()) {
      if (!seenGroups.has(key)) {
        this.groupNodes.delete(key);
      }
    }
    for (const id of this.sessionNodes.keys()) {
      if (!seen.has(id)) {
        this.sessionNodes.delete(id);
      }
    }
    this.shape = { integrationId, integrationName, by, groups, total };
  }

  getChildren(node?: SessionTreeNode): SessionTreeNode[] {
    this.sync();
    if (!node) {
      return this.shape?.groups ?? [];
    }
    if (node.kind === 'session') {
      return [];
    }
    return this.children.get(node) ?? node.sessions.map((session) => this.nodeFor(session));
  }

  getParent(node: SessionTreeNode): SessionTreeNode | undefined {
    this.sync();
    if (node.kind === 'group' || !this.shape) {
      return undefined;
    }
    const key = this.shape.by === 'run' ? node.session.label : node.session.status;
    return this.groupNodes.get(`${this.shape.by}/${key}`);
  }

  getTreeItem(node: SessionTreeNode): vscode.TreeItem {
    this.sync();
    return node.kind === 'group' ? this.groupItem(node) : this.sessionItem(node);
  }

  resolveTreeItem(item: vscode.TreeItem, node: SessionTreeNode): vscode.TreeItem {
    if (node.kind === 'session' && item.tooltip === undefined) {
      item.tooltip = this.tooltip(node.session);
    }
    return item;
  }

  /** The groups of the active integration. */
  groups(): GroupNode[] {
    return this.getChildren() as GroupNode[];
  }

  /** Sessions of the active integration a DELETE may be sent for as far as known. */
  deletableCount(): number {
    const integrationId = this.activeIntegrationId();
    return integrationId ? this.services.sessions.store.deletableCount(integrationId) : 0;
  }

  /** The one node of a session (its record updated in place). */
  private nodeFor(session: TrackedSession): SessionNode {
    let node = this.sessionNodes.get(session.id);
    if (!node) {
      node = { kind: 'session', session };
      this.sessionNodes.set(session.id, node);
    }
    node.session = session;
    return node;
  }

  private groupItem(group: GroupNode): vscode.TreeItem {
    const first = this.shape?.groups[0];
    const expanded = (this.shape?.total ?? 0) <= EXPAND_ALL_UP_TO || (first !== undefined && first.key === group.key);
    return groupTreeItem(group, expanded);
  }

  private sessionItem(node: SessionNode): vscode.TreeItem {
    const session = node.session;
    const now = this.services.clock.now();
    const signature = this.rowSignature(session, now);
    this.shown.set(node, signature);
    const cached = this.items.get(node);
    if (cached && cached.signature === signature) {
      return cached.item;
    }
    const item = sessionTreeItem(session, now, this.queuedText(session.id));
    this.items.set(node, { item, signature });
    return item;
  }

  /**
   * Everything a row shows, its tooltip included: the record's fields, its age and its place in the
   * delete queue. A row is re-rendered exactly when this changes.
   */
  private rowSignature(session: TrackedSession, now: number): string {
    return rowSignature(session, now, this.queuedText(session.id));
  }

  /** "queued · ETA 2h" while the session waits in the delete queue, "deleting…" while its DELETE is out. */
  private queuedText(id: string): string | undefined {
    const view = this.queueView;
    const info = view?.queuedInfo(id);
    if (!view || !info) {
      return undefined;
    }
    return info.sending ? vscode.l10n.t('deleting…') : vscode.l10n.t('queued · ETA {0}', shortEta(info.eta, view.now()));
  }

  private tooltip(session: TrackedSession): vscode.MarkdownString {
    const integration = this.services.credentials.list().find((i) => i.id === session.integrationId);
    return this.details().sessionTooltip(session, integration?.name ?? session.integrationId, this.services.clock.now());
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
