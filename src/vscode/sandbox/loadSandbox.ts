import { lazyModule } from '../../core/lazyModule';
import type * as SandboxModule from '../../sandbox';

// The sandbox server (src/sandbox), loaded when the sandbox starts: dist/sandbox.js. Most users
// never start it, so activation does not pay for it; any other value import of src/sandbox from the
// extension fails the build (see esbuild.mjs).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const server = lazyModule(() => require('../../sandbox') as typeof SandboxModule);

export const loadSandbox = server.get;
export const isSandboxLoaded = server.loaded;
