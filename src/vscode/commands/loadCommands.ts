import { lazyModule } from '../../core/lazyModule';
import type * as CommandsModule from './commandBodies';

// The command bodies (commandBodies.ts and what only they use), loaded when the first command runs:
// dist/commands.js. The load is synchronous, so a command still does at once what it does before
// its first await.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const commands = lazyModule(() => require('./commandBodies') as typeof CommandsModule);

export const loadCommands = commands.get;

/** Whether the command bodies have been loaded, and how long that took (for tests and the bench). */
export function commandsLoad(): { loaded: boolean; ms?: number } {
  return { loaded: commands.loaded(), ms: commands.loadMs() };
}
