import { parseTypedIds } from '../core/idExtraction';
import { normaliseSessionId } from '../core/ids';
import { isRecord } from '../core/typeGuards';
import type { TrackedSession } from '../core/sessions';
import type { SessionStatus } from '../core/status';
import type { CredentialStore } from './credentials';
import type { ViewFocus } from './viewFocus';
import { SESSIONS_VIEW_ID } from './viewIds';

/** The parts argument resolution reads: the integrations, and the sessions view's focus and selection. */
interface ArgParts {
  readonly credentials: CredentialStore;
  readonly sessionTree: { readonly focus: ViewFocus<SessionTreeNode> | undefined };
}

/** A row of the sessions view: what tree commands receive as their argument. */
export interface SessionNode {
  readonly kind: 'session';
  readonly session: TrackedSession;
}

/** A run (label) or status group of the sessions view. */
export interface GroupNode {
  readonly kind: 'group';
  readonly by: 'run' | 'status';
  /** The run label, or the status for `by: 'status'`. */
  readonly key: string;
  readonly status?: SessionStatus;
  readonly integrationId: string;
  readonly sessions: readonly TrackedSession[];
}

export type SessionTreeNode = SessionNode | GroupNode;

/** One session of one integration, tracked or not. */
export interface SessionRef {
  readonly integrationId: string;
  readonly id: string;
}

export interface ResolvedArgs {
  /** Whether the command got anything to work on (else it asks with a quick pick). */
  given: boolean;
  refs: SessionRef[];
  /** Arguments that are not session ids, as given. */
  invalid: string[];
  /** Ids were given as text but no integration is active to resolve them against. */
  noIntegration: boolean;
}

/** What the tree's keybindings pass (package.json `keybindings[].args`): "the rows selected in the view". */
export const VIEW_SELECTION_ARG = { selectionOf: SESSIONS_VIEW_ID } as const;

function isViewSelectionArg(value: unknown): boolean {
  return isRecord(value) && value.selectionOf === VIEW_SELECTION_ARG.selectionOf;
}

/** Whether a command got no node of its own: bare, or the keybinding's marker. */
function wantsViewSelection(arg: unknown, selected: unknown): 'marker' | 'bare' | undefined {
  if (isViewSelectionArg(arg)) {
    return 'marker';
  }
  return (arg === undefined || arg === null) && selected === undefined ? 'bare' : undefined;
}

/** How long a command waits for the extension host to know the selected rows again after a refresh. */
const SETTLE_MS = 500;
const SETTLE_STEP_MS = 20;

/** The selection now: the view's, else what the last change event reported (the view may be refreshing). */
function selection<T>(focus: ViewFocus<T>): readonly T[] {
  const live = focus.view.selection;
  return live.length > 0 ? live : focus.reported;
}

/** The view's selection while it has the focus; empty otherwise. */
export function focusedSelection<T>(focus: ViewFocus<T>): readonly T[] {
  return focus.hasFocus() ? selection(focus) : [];
}

/**
 * The selection once the extension host knows the selected rows again (a moment after a
 * refresh); the last reported selection if that takes too long; empty when nothing is selected.
 */
async function settledSelection<T>(focus: ViewFocus<T>, timeoutMs = SETTLE_MS): Promise<readonly T[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live = focus.view.selection;
    if (live.length > 0) {
      return live;
    }
    if (Date.now() >= deadline) {
      return focus.reported;
    }
    await new Promise((resolve) => setTimeout(resolve, SETTLE_STEP_MS));
  }
}

/**
 * The nodes a tree command works on when it got no node of its own: with the keybinding's marker,
 * the view's selection; called bare (palette, a keybinding without arguments), the view's selection
 * if the view has the focus. Undefined when the arguments are something else (ids, nodes), or when
 * a bare call finds the view without the focus or without a selection (the command then asks).
 */
export function viewSelection(services: ArgParts, arg?: unknown, selected?: unknown): readonly SessionTreeNode[] | undefined {
  const focus = services.sessionTree?.focus;
  switch (wantsViewSelection(arg, selected)) {
    case 'marker':
      return focus ? selection(focus) : [];
    case 'bare': {
      const nodes = focus ? focusedSelection(focus) : [];
      return nodes.length > 0 ? nodes : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Like `viewSelection`, but waits (briefly) until the extension host knows the selected rows again
 * when the view is refreshing (see ViewFocus). Synchronous when the arguments name what to work on.
 */
export function settledViewSelection(
  services: { readonly sessionTree?: { readonly focus?: import('./viewFocus').ViewFocus<SessionTreeNode> | undefined } | undefined },
  arg?: unknown,
  selected?: unknown,
): Promise<readonly SessionTreeNode[] | undefined> | undefined {
  const focus = services.sessionTree?.focus;
  const wants = wantsViewSelection(arg, selected);
  if (!focus || wants === undefined || (wants === 'bare' && !focus.hasFocus())) {
    return undefined;
  }
  return settledSelection(focus).then((nodes) => (wants === 'bare' && nodes.length === 0 ? undefined : nodes));
}

/**
 * Turns a command's arguments into sessions. Tree menus pass (clickedNode, selectedNodes); the
 * selection wins when it holds the clicked row. Other callers pass an id, a list of ids (any
 * separators), a node, or a `{ integrationId, id }` record. Groups stand for their sessions.
 * With no argument (or the keybinding's marker) the focused view's selection stands in; when there
 * is none, `given` is false and the command asks.
 */
export function resolveSessionArgs(services: ArgParts, arg?: unknown, selected?: unknown): ResolvedArgs {
  const result: ResolvedArgs = { given: false, refs: [], invalid: [], noIntegration: false };
  let items: readonly unknown[];
  const fromView = viewSelection(services, arg, selected);
  if (fromView !== undefined) {
    if (fromView.length === 0) {
      return result;
    }
    items = fromView;
  } else if (Array.isArray(selected) && selected.length > 0 && (arg === undefined || selected.some((s) => sameNode(s, arg)))) {
    items = selected;
  } else if (Array.isArray(arg)) {
    items = arg;
  } else if (arg === undefined || arg === null) {
    return result;
  } else {
    items = [arg];
  }
  result.given = true;
  const seen = new Set<string>();
  const add = (integrationId: string, rawId: string): void => {
    const id = normaliseSessionId(rawId);
    if (!id) {
      result.invalid.push(rawId);
      return;
    }
    const key = `${integrationId}/${id}`;
    if (!seen.has(key)) {
      seen.add(key);
      result.refs.push({ integrationId, id });
    }
  };
  for (const item of items) {
    if (typeof item === 'string') {
      const active = services.credentials.active();
      const parsed = parseTypedIds(item);
      result.invalid.push(...parsed.invalid);
      if (!active) {
        result.noIntegration ||= parsed.ids.length > 0;
        continue;
      }
      parsed.ids.forEach((id) => add(active.id, id));
    } else if (isGroupNode(item)) {
      item.sessions.forEach((s) => add(s.integrationId, s.id));
    } else if (isSessionNode(item)) {
      add(item.session.integrationId, item.session.id);
    } else if (isRef(item)) {
      add(item.integrationId, item.id);
    } else {
      result.invalid.push(String(item));
    }
  }
  return result;
}

export function isSessionNode(value: unknown): value is SessionNode {
  return isRecord(value) && value.kind === 'session' && isRef(value.session);
}

export function isGroupNode(value: unknown): value is GroupNode {
  return isRecord(value) && value.kind === 'group' && Array.isArray(value.sessions);
}

function isRef(value: unknown): value is SessionRef {
  return isRecord(value) && typeof value.integrationId === 'string' && typeof value.id === 'string';
}


function nodeKey(value: unknown): string | undefined {
  if (isSessionNode(value)) {
    return `s/${value.session.integrationId}/${value.session.id}`;
  }
  if (isGroupNode(value)) {
    return `g/${value.integrationId}/${value.by}/${value.key}`;
  }
  return undefined;
}

function sameNode(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  const key = nodeKey(a);
  return key !== undefined && key === nodeKey(b);
}

/** Groups refs by integration, keeping first-seen order. */
export function byIntegration(refs: readonly SessionRef[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const ref of refs) {
    const ids = groups.get(ref.integrationId);
    if (ids) {
      ids.push(ref.id);
    } else {
      groups.set(ref.integrationId, [ref.id]);
    }
  }
  return groups;
}
