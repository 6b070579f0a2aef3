import type { Services } from '../services';
import { settledViewSelection } from '../sessionArgs';

type TreeHandler = (arg?: unknown, selected?: unknown, ...rest: unknown[]) => unknown;

/**
 * A tree command: with no node of its own (bare, or the Delete key's marker) it gets the view's
 * selection as a context menu would pass it, once the extension host knows the selected rows.
 * Calls that name their sessions go straight through (synchronously: a double click's claim).
 */
export function fromTree(services: Services, handler: TreeHandler): TreeHandler {
  return (arg, selected, ...rest) => {
    const pending = settledViewSelection(services, arg, selected);
    if (!pending) {
      return handler(arg, selected, ...rest);
    }
    return pending.then((nodes) =>
      nodes === undefined ? handler(undefined, undefined, ...rest) : nodes.length > 0 ? handler(nodes[0], nodes, ...rest) : handler(undefined, [], ...rest),
    );
  };
}
