import { queueAttemptResult } from '../../core/deleteOutcome';
import type { DeleteAttemptResult, SessionProbe } from '../../core/deleteAttempt';
import { apiKeyFingerprint } from '../credentials';
import { describeFailure } from '../failures';
import type { DeletePipeline } from '../../core/deletePipeline';
import type { BaseServices } from '../baseServices';
import type { Connection } from '../veriffAccess';

/**
 * Finds the integration (and its client) for a budget key, which is a hash of the API key: the
 * queue never stores the key or the integration's name.
 */
export class ConnectionResolver {
  private readonly keys = new Map<string, string>();

  constructor(private readonly services: BaseServices) {}

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

  /** The budget keys of every integration; undefined when one's secrets cannot be read (then nobody guesses). */
  async knownKeys(): Promise<Set<string> | undefined> {
    const known = new Set<string>();
    for (const integration of this.services.credentials.list()) {
      const key = await this.keyOf(integration.id).catch(() => undefined);
      if (key === undefined) {
        return undefined;
      }
      known.add(key);
    }
    return known;
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
