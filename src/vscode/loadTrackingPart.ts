import type * as TrackingPart from './trackingPart';

let part: typeof TrackingPart | undefined;

/**
 * Loads what tracks sessions from text (trackingPart.ts) on first use. esbuild turns this `require`
 * into one of the separate dist/tracking.js (see esbuild.mjs).
 */
export function loadTrackingPart(): typeof TrackingPart {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  part ??= require('./trackingPart') as typeof TrackingPart;
  return part;
}

/** Whether dist/tracking.js has been loaded in this process (lets tests prove activation does not load it). */
export function isTrackingPartLoaded(): boolean {
  return part !== undefined;
}
