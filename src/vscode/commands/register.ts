import * as vscode from 'vscode';
import { guard } from '../failures';
import { UserCancelledError } from '../prompts';
import type { Services } from '../services';

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
