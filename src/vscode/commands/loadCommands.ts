import type * as CommandsModule from './commandBodies';

let commands: typeof CommandsModule | undefined;
let loadMs: number | undefined;

/**
 * Loads the command bodies (commandBodies.ts and what only they use) when the first command runs.
 * esbuild turns this `require` into one of the separate dist/commands.js (see esbuild.mjs). It is
 * synchronous, so a command still does at once what it does before its first await.
 */
export function loadCommands(): typeof CommandsModule {
  if (!commands) {
    const started = performance.now();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    commands = require('./commandBodies') as typeof CommandsModule;
    loadMs = performance.now() - started;
  }
  return commands;
}

/** Whether the command bodies have been loaded, and how long that took (for tests and the bench). */
export function commandsLoad(): { loaded: boolean; ms?: number } {
  return { loaded: commands !== undefined, ms: loadMs };
}
