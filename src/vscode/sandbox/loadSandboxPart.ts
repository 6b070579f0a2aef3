import type * as SandboxPart from './sandboxPart';

let part: typeof SandboxPart | undefined;

/**
 * Loads the sandbox adapter (sandboxPart.ts) on first use. esbuild turns this `require` into one of
 * the separate dist/localSandbox.js (see esbuild.mjs); the sandbox server (dist/sandbox.js) loads
 * only when the sandbox starts.
 */
export function loadSandboxPart(): typeof SandboxPart {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  part ??= require('./sandboxPart') as typeof SandboxPart;
  return part;
}

/** Whether dist/localSandbox.js has been loaded in this process (lets tests prove activation does not load it). */
export function isSandboxPartLoaded(): boolean {
  return part !== undefined;
}
