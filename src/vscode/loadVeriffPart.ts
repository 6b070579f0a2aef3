import type * as VeriffPart from './veriffPart';

let part: typeof VeriffPart | undefined;

/**
 * Loads what talks to Veriff (veriffPart.ts: the client, the delete pipeline, the queue runner)
 * when it is first needed. esbuild turns this `require` into one of the separate dist/veriff.js
 * (see esbuild.mjs).
 */
export function loadVeriffPart(): typeof VeriffPart {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  part ??= require('./veriffPart') as typeof VeriffPart;
  return part;
}

/** Whether dist/veriff.js has been loaded in this process (lets tests prove activation does not load it). */
export function isVeriffPartLoaded(): boolean {
  return part !== undefined;
}

/** Whether undici (dist/undici.js) has been loaded: never before the Veriff part is. */
export function isUndiciLoaded(): boolean {
  return part?.isUndiciLoaded() ?? false;
}
