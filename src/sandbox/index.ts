// Entry of dist/sandbox.js: the Veriff-compatible server and its state. The extension loads it
// only when the local sandbox starts (src/vscode/sandbox/loadSandbox.ts); tests import it directly.
export { VeriffServer, type VeriffServerOptions } from './veriffServer';
export { SandboxState, DAY_MS, HOUR_MS, type SandboxStateOptions } from './sandboxState';
export { ObservedSandboxState } from './observedSandboxState';
export { DECISION_STATUSES, type SandboxBudgetUsage, type DeleteSlotResult, type SandboxAttempt, type SandboxIntegration, type SandboxSession, type SessionSeed } from './sessionModel';
export type { RestoreResult, SandboxSnapshot } from './snapshot';
export type { FaultOptions, SandboxFault, SandboxFaultKind } from './faults';
export { MAX_LOGGED_REQUESTS, type RequestLogEntry } from './requestLog';
export { MAX_BODY_BYTES } from './requestInput';
export { MAX_VENDOR_DATA_LENGTH } from '../core/veriffLimits';
