import type * as SandboxModule from '../../sandbox';

let sandbox: typeof SandboxModule | undefined;

/**
 * Loads the sandbox server (src/sandbox) on first use: most users never start it, so activation
 * does not pay for it. esbuild turns this `require` into one of the separate dist/sandbox.js; any
 * other value import of src/sandbox from the extension fails the build (see esbuild.mjs).
 */
export function loadSandbox(): typeof SandboxModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  sandbox ??= require('../../sandbox') as typeof SandboxModule;
  return sandbox;
}

/** Whether the sandbox server has been loaded in this process (lets tests prove activation does not load it). */
export function isSandboxLoaded(): boolean {
  return sandbox !== undefined;
}
