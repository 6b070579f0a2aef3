import * as vscode from 'vscode';
import { guard } from '../failures';
import { UserCancelledError } from '../prompts';
import type { Services } from '../services';
import { settledViewSelection } from '../sessionArgs';

export type CommandHandler = (...args: any[]) => unknown;

export interface CommandOptions {
  /** What a caller gets when the command failed or was cancelled (default undefined). */
  otherwise?: unknown;
}

/**
 * The one wrapper every command is registered through. A prompt the user dismissed
 * (UserCancelledError) ends the command quietly; anything else thrown is logged and shown once
 * through the failure display as "{what} failed: …". The handler is called synchronously, so what
 * it does before its first await (a delete's claim) happens at once.
 */
export function registerCommand(services: Services, id: string, what: string, handler: CommandHandler, options: CommandOptions = {}): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    const result = await guard(services, what, async () => {
      try {
        return { value: await handler(...args) };
      } catch (err) {
        if (err instanceof UserCancelledError) {
          return undefined;
        }
        throw err;
      }
    });
    return result === undefined ? options.otherwise : result.value;
  });
}

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
