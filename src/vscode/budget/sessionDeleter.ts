import { queueAttemptResult } from '../../core/deleteOutcome';
import type { DeleteAttemptResult, SessionProbe } from '../../core/deleteAttempt';
import { describeFailure } from '../failureText';
import type { DeletePipeline } from '../../core/deletePipeline';
import type { BaseServices } from '../baseServices';
import type { Connection } from '../veriffAccess';
import type { ConnectionResolver } from './connectionResolver';

/**
 * The queue's DELETE, through the one delete pipeline: the integration's client is built first (a
 * client that cannot be built spends nothing), then the pipeline reserves the slot, sends, records
 * the answer on the tracked session and logs it.
 */
export function createDeleter(resolver: ConnectionResolver, pipelineOf: () => DeletePipeline) {
  return async (id: string, key: string): Promise<DeleteAttemptResult> => {
    let connection: Connection | undefined;
    try {
      connection = await resolver.connect(key);
    } catch (error) {
      return { kind: 'notSent', reason: `the Veriff client could not be set up: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!connection) {
      return { kind: 'notSent', reason: 'no API credentials for the integration of a queued session' };
    }
    const { integration } = connection;
    const pipeline = pipelineOf();
    const { mine } = pipeline.claim(integration.id, [id]);
    if (mine.length === 0) {
      return { kind: 'busy' };
    }
    try {
      const target = { integrationId: integration.id, integrationName: integration.name, key, client: connection.client };
      const step = await pipeline.send(target, id, { via: 'queue' });
      if (step.kind === 'notSent') {
        return step.reason === 'budget' ? { kind: 'noBudget' } : { kind: 'notSent', reason: step.reason === 'couldNotSend' ? step.message : 'cancelled' };
      }
      const result = step.result;
      return queueAttemptResult(result, result.kind === 'deleted' ? '' : describeFailure(result.outcome).text);
    } finally {
      pipeline.release(integration.id, [id]);
    }
  };
}

/** Asks (GET, no delete budget) whether a session whose DELETE answer was lost still exists. */
export function createProbe(services: BaseServices, resolver: ConnectionResolver): SessionProbe {
  return async (id, key) => {
    const connection = await resolver.connect(key);
    if (!connection) {
      return 'unknown';
    }
    const outcome = await connection.client.getStatus(id);
    if (outcome.kind !== 'ok') {
      return 'unknown';
    }
    if (outcome.value === 'gone') {
      services.sessions.store.remove(connection.integration.id, [id]);
      return 'gone';
    }
    services.sessions.store.updateStatus(connection.integration.id, id, outcome.value, services.clock.now());
    return 'exists';
  };
}
