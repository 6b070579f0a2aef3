// Entry of dist/localSandbox.js: the VS Code side of the local sandbox (start, stop, resume, its
// saved state) and the demo. Loaded through loadSandboxPart.ts when a sandbox command runs, or at
// activation only when a sandbox was running or left a sandbox.json (see sandboxAtStart.ts).
export { LocalSandbox } from './localSandbox';
export { runDemo } from './demo';
