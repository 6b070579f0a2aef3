// Entry of dist/veriff.js: what talks to Veriff (the client with its HTTP layer and error codes, the
// delete pipeline, the queue runner with the deleter it sends through, status refreshes) and what
// only follows from that: failure and budget-problem texts, credential writes (which check against
// Veriff), a row's hover details, the one-time move of an old budget. Loaded through
// loadVeriffPart.ts on the first of these, or when the delete queue has work.
export { VeriffClient, formatLogLine } from '../core/veriffClient';
export { isUndiciLoaded } from '../core/http/dispatcher';
export { DeletePipeline } from '../core/deletePipeline';
export { QueueRunner } from '../core/queueRunner';
export { createDeleter, createProbe } from './budget/sessionDeleter';
export { logQueueEvent } from './budget/queueEventLog';
export { describeFailure } from './failureText';
export { emptyRefreshSummary, fetchStatuses, withSessionsProgress } from './sessionStatuses';
export { problemOfDeleteResult } from '../core/budgetProblem';
export { problemText, unreadableTooltip } from './budget/budgetProblemText';
export * as credentialWrites from './credentialWrites';
export { sessionTooltip } from './sessionTooltip';
export { moveBudgetOutOfGlobalState } from './budget/legacyBudgetMove';
