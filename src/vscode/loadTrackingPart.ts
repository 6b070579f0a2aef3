import { lazyModule } from '../core/lazyModule';
import type * as TrackingPart from './trackingPart';

// What tracks sessions from text (trackingPart.ts), loaded on first use: dist/tracking.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const part = lazyModule(() => require('./trackingPart') as typeof TrackingPart);

export const loadTrackingPart = part.get;
export const isTrackingPartLoaded = part.loaded;
