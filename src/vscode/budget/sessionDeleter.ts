import { type DeleteFailure, queueAttemptResult, recordDeleteResult } from '../../core/deleteOutcome';
import { classifyDeleteOutcome } from '../../core/deletePlan';
import type { DeleteAttemptResult, SessionProbe } from '../../core/queueRunner';
import { apiKeyFingerprint } from '../credentials';
import { describeFailure } from '../failures';
import type { Services } from '../services';
import type { Connection } from '../veriffAccess';

/**
 * Finds the integration (and its client) for a budget key, which is a hash of the API key: the
 * queue never stores the key or the integration's name.
 */
export class ConnectionResolver {
  private readonly keys = new Map<string, string>();

  constructor(private readonly services: Services) {}

  /** Forget the key → integration mapping (credentials changed). */
  reset(): void {
    this.keys.clear();
  }

  /** The budget key of an integration, or undefined when it has no secrets. */
  async keyOf(integrationId: string): Promise<string | undefined> {
    const integration = this.services.credentials.list().find((i) => i.id === integrationId);
    const secrets = integration ? await this.services.credentials.getSecrets(integration).catch(() => undefined) : undefined;
    if (!secrets) {
      return undefined;
    }
    const key = apiKeyFingerprint(secrets.apiKey);
    this.keys.set(key, integrationId);
    return key;
  }

  async connect(key: string): Promise<Connection | undefined> {
    const known = this.keys.get(key);
    if (known) {
      const connection = await this.connectId(known);
      if (connection && apiKeyFingerprint(connection.secrets.apiKey) === key) {
        return connection;
      }
    }
    for (const integration of this.services.credentials.list()) {
      if ((await this.keyOf(integration.id)) === key) {
        return this.connectId(integration.id);
      }
    }
    return undefined;
  }

  private connectId(integrationId: string): Promise<Connection | undefined> {
    const integration = this.services.credentials.list().find((i) => i.id === integrationId);
    return integration ? this.services.access.connect(integration) : Promise.resolve(undefined);
  }
}

/**
 * The queue's DELETE: sends it with the integration's signed client and records what the answer
 * means on the tracked session (removed when deleted or gone, the refusal on the row otherwise).
 * `beforeSend` runs first (it makes sure the spend is stored before anything goes out).
 */
export function createDeleter(services: Services, resolver: ConnectionResolver, beforeSend: () => Promise<void>) {
  return async (id: string, key: string): Promise<DeleteAttemptResult> => {
    await beforeSend();
    const connection = await resolver.connect(key);
    if (!connection) {
      return { kind: 'failed', retryable: false, reason: 'no API credentials for the integration of a queued session' };
    }
    const { integration } = connection;
    const outcome = await connection.client.deleteSession(id);
    const result = classifyDeleteOutcome(outcome);
    const prefix = `[${integration.name}] Delete queue:`;
    switch (result.kind) {
      case 'rateLimited':
        // The queue keeps the session and tries again later: nothing is recorded on its row.
        services.log.warn(`${prefix} 429 for session ${id}${result.retryAfterMs !== undefined ? `, retry after ${Math.ceil(result.retryAfterMs / 1000)} s` : ''}`);
        return queueAttemptResult(result, '');
      case 'deleted':
        services.log.info(`[${integration.name}] Recently deleted: session ${id} (delete queue)`);
        break;
      case 'alreadyGone':
        services.log.info(`${prefix} session ${id} was already gone (404): no longer tracked`);
        break;
      case 'refused':
        services.log.warn(`${prefix} Veriff refused to delete session ${id} (code ${result.code}): status now ${result.status}`);
        break;
    }
    const describe = (failure: DeleteFailure) => describeFailure(failure).text;
    recordDeleteResult(services.sessions.store, integration.id, id, result, describe, services.clock.now());
    return queueAttemptResult(result, result.kind === 'deleted' ? '' : describe(result.outcome));
  };
}

/** Asks (GET, no delete budget) whether a session whose DELETE answer was lost still exists. */
export function createProbe(services: Services, resolver: ConnectionResolver): SessionProbe {
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
