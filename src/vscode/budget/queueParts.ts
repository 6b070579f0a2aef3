import type { QueueRunner, QueueRunnerOptions } from '../../core/queueRunner';
import type { DeletePipeline } from '../../core/deletePipeline';
import type { BaseServices } from '../baseServices';
import type { ConnectionResolver } from './connectionResolver';
import type { logQueueEvent } from './queueEventLog';
import type { createDeleter, createProbe } from './sessionDeleter';
import type { moveBudgetOutOfGlobalState } from './legacyBudgetMove';

/** What the budget service builds its queue runner from (and moves an earlier version's budget with): dist/veriff.js, loaded when the queue has work. */
export interface QueueParts {
  readonly QueueRunner: typeof QueueRunner;
  readonly createDeleter: typeof createDeleter;
  readonly createProbe: typeof createProbe;
  readonly logQueueEvent: typeof logQueueEvent;
  readonly moveBudgetOutOfGlobalState: typeof moveBudgetOutOfGlobalState;
}

/** A queue runner that sends through the delete pipeline and probes through the integration's client. */
export function buildQueueRunner(
  parts: QueueParts,
  services: BaseServices,
  resolver: ConnectionResolver,
  pipeline: () => DeletePipeline,
  deps: Omit<QueueRunnerOptions, 'deleter' | 'probe'>,
): QueueRunner {
  return new parts.QueueRunner({ ...deps, deleter: parts.createDeleter(resolver, pipeline), probe: parts.createProbe(services, resolver) });
}
