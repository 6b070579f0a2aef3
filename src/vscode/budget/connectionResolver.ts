import { apiKeyFingerprint } from '../credentials';
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
