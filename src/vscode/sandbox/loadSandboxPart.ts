import { lazyModule } from '../../core/lazyModule';
import type * as SandboxPart from './sandboxPart';

// The sandbox adapter (sandboxPart.ts), loaded on first use: dist/localSandbox.js. The sandbox
// server (dist/sandbox.js) loads only when the sandbox starts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const part = lazyModule(() => require('./sandboxPart') as typeof SandboxPart);

export const loadSandboxPart = part.get;
export const isSandboxPartLoaded = part.loaded;
