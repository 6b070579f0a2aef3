import * as vscode from 'vscode';
import { parseTypedIds } from '../core/idExtraction';
import type { TrackedSession } from '../core/sessions';
import type { Integration } from './credentials';
import { answered, UserCancelledError } from './prompts';
import type { Services } from './services';
import { isGroupNode, viewSelection, type GroupNode, type ResolvedArgs, type SessionRef, type SessionTreeNode } from './sessionArgs';
import { ageText, statusCodicon, statusText } from './sessionLook';

type PickItem = vscode.QuickPickItem & { ref: SessionRef };

/** A tracked session as a quick-pick item: status icon and id, status and age, the run's label. */
function sessionPickItem(session: TrackedSession, nowMs: number): vscode.QuickPickItem & { ref: SessionRef } {
  return {
    label: `$(${statusCodicon(session.status)}) ${session.id}`,
    description: `${statusText(session.status)} · ${ageText(session.addedAt, nowMs)}`,
    detail: session.label,
    ref: { integrationId: session.integrationId, id: session.id },
  };
}

interface PickerBase {
  /** The integration whose tracked sessions are offered. */
  readonly integrationId: string;
  readonly title: string;
  readonly placeHolder: string;
  /** The offered sessions, in order (default: newest first). */
  order?(sessions: readonly TrackedSession[]): TrackedSession[];
  /** An offered session as an item (default: status icon and id, status and age, run). */
  item?(session: TrackedSession, now: number): PickItem;
}

/**
 * The multi-select quick pick a tree command asks with when it got no sessions. With no session
 * tracked it either tells `nothingTracked` (and the command stops) or, with `typed`, opens anyway
 * for a pasted id: a typed id that is not tracked becomes an item with `typed.description`.
 */
export type SessionPicker = PickerBase &
  (
    | { readonly nothingTracked: string; readonly typed?: undefined }
    | { readonly typed: { readonly description: string; readonly placeHolderWhenNoneTracked: string }; readonly nothingTracked?: undefined }
  );

/**
 * The sessions a tree command works on: what its arguments name (the clicked row with the
 * multi-selection, a group, ids, or the focused view's selection; see resolveSessionArgs), else
 * what the user checks in a quick pick. `picker` is asked only then; it returns undefined when there
 * is nothing to pick from (having told the user why). Throws UserCancelledError when the user
 * checks nothing or there is nothing to pick.
 */
export async function sessionsOrPick(services: Services, args: ResolvedArgs, picker: () => SessionPicker | undefined): Promise<SessionRef[]> {
  if (args.given) {
    return args.refs;
  }
  const spec = picker();
  if (!spec) {
    throw new UserCancelledError();
  }
  const store = services.sessions.store;
  const sessions = store.list(spec.integrationId);
  if (sessions.length === 0 && spec.nothingTracked !== undefined) {
    void services.ui.showInformationMessage(spec.nothingTracked);
    throw new UserCancelledError();
  }
  const now = services.clock.now();
  const ordered = spec.order ? spec.order(sessions) : [...sessions].reverse();
  const items = ordered.map((s) => (spec.item ? spec.item(s, now) : sessionPickItem(s, now)));
  const options = { title: spec.title, placeHolder: spec.placeHolder, matchOnDescription: true, matchOnDetail: true };
  const typed = spec.typed;
  const picked = typed
    ? await answered(
        services.ui.showQuickPickWithTyped<PickItem>(items, {
          ...options,
          placeHolder: items.length > 0 ? spec.placeHolder : typed.placeHolderWhenNoneTracked,
          itemsForValue: (value) =>
            parseTypedIds(value)
              .ids.filter((id) => !store.has(spec.integrationId, id))
              .map((id) => ({ label: `$(add) ${id}`, description: typed.description, ref: { integrationId: spec.integrationId, id } })),
        }),
      )
    : await answered(services.ui.showQuickPick(items, { ...options, canPickMany: true }));
  return picked.map((p) => p.ref);
}

/**
 * The run a run command works on: the clicked run group or a given run label, else the run of the
 * selection (passed, or the focused view's), else the one the user picks from the active
 * integration's runs. Throws UserCancelledError when the user dismisses the pick.
 */
export async function runOrPick(
  services: Services,
  node: unknown,
  selected: unknown,
  picker: (integrationName: string) => { title: string; placeHolder: string },
): Promise<{ integration: Integration | undefined; run: string | undefined }> {
  const target =
    isGroupNode(node) || typeof node === 'string'
      ? node
      : (runOfSelection(Array.isArray(selected) ? (selected as SessionTreeNode[]) : viewSelection(services, node)) ?? node);
  if (isGroupNode(target) && target.by === 'run') {
    return { integration: services.credentials.list().find((i) => i.id === target.integrationId), run: target.key };
  }
  const active = services.credentials.active();
  if (typeof target === 'string' && target.trim() !== '') {
    return { integration: active, run: target.trim() };
  }
  if (!active) {
    return { integration: undefined, run: undefined };
  }
  const runs = services.sessions.store.groupByLabel(active.id);
  const picked = await answered(
    services.ui.showQuickPick(
      runs.map((g) => ({ label: g.label, description: vscode.l10n.t('{0} sessions', g.sessions.length) })),
      picker(active.name),
    ),
  );
  return { integration: active, run: picked.label };
}

/** The run of a selection: a selected run, or the one run all selected sessions belong to. */
function runOfSelection(nodes: readonly SessionTreeNode[] | undefined): GroupNode | string | undefined {
  if (!nodes || nodes.length === 0) {
    return undefined;
  }
  const group = nodes.find((n): n is GroupNode => n.kind === 'group' && n.by === 'run');
  if (group) {
    return group;
  }
  const labels = new Set(nodes.map((n) => (n.kind === 'session' ? n.session.label : undefined)));
  const [label] = labels;
  return labels.size === 1 && label !== undefined ? label : undefined;
}
