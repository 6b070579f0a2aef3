import { lazyModule } from '../core/lazyModule';
import type * as VeriffPart from './veriffPart';

// What talks to Veriff (veriffPart.ts: the client, the delete pipeline, the queue runner), loaded
// when it is first needed: dist/veriff.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const part = lazyModule(() => require('./veriffPart') as typeof VeriffPart);

export const loadVeriffPart = part.get;
export const isVeriffPartLoaded = part.loaded;

/** Whether undici (dist/undici.js) has been loaded: never before the Veriff part is. */
export function isUndiciLoaded(): boolean {
  return part.loaded() && part.get().isUndiciLoaded();
}
