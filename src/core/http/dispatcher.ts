import type { Dispatcher } from 'undici';
import { lazyModule } from '../lazyModule';
import type { ProxyChoice } from './proxy';

type Undici = typeof import('./undiciEntry');

// undici, loaded on first use: never import it at the top of a module on the activation path
// (loading it costs ~140 ms). esbuild rewrites this `require('./undiciEntry')` to dist/undici.js.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = lazyModule(() => require('./undiciEntry') as Undici);
const loadUndici = undici.get;

/** Whether undici has been loaded in this process (lets tests prove activation does not load it). */
export const isUndiciLoaded = undici.loaded;

export interface DispatcherSpec {
  /** e.g. https://stationapi.veriff.com */
  origin: string;
  proxy?: ProxyChoice;
  /** false: do not verify TLS certificates on proxied connections (VS Code http.proxyStrictSSL). */
  strictSSL: boolean;
  connectTimeoutMs: number;
}

export interface DispatcherLease {
  readonly dispatcher: Dispatcher;
  /** Gives the lease back; the last one out closes the pool (in-flight requests finish first). */
  release(): Promise<void>;
}

interface Shared {
  dispatcher: Dispatcher;
  refs: number;
}

/** One pool per origin + proxy + TLS/timeout settings, shared by every client in the process. */
const shared = new Map<string, Shared>();

function keyOf(spec: DispatcherSpec): string {
  return JSON.stringify([spec.origin, spec.proxy?.url ?? '', spec.proxy ? spec.strictSSL : true, spec.connectTimeoutMs]);
}

export function acquireDispatcher(spec: DispatcherSpec): DispatcherLease {
  const key = keyOf(spec);
  let entry = shared.get(key);
  if (!entry) {
    entry = { dispatcher: create(spec), refs: 0 };
    shared.set(key, entry);
  }
  entry.refs += 1;
  const held = entry;
  let released = false;
  return {
    dispatcher: held.dispatcher,
    release: async () => {
      if (released) {
        return;
      }
      released = true;
      held.refs -= 1;
      if (held.refs === 0 && shared.get(key) === held) {
        shared.delete(key);
        await held.dispatcher.close().catch(() => undefined);
      }
    },
  };
}

/** Closes every shared pool (extension deactivation, end of a test file). */
export async function closeAllDispatchers(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map((e) => e.dispatcher.close().catch(() => undefined)));
}

/** How many pools are open: for tests. */
export function openDispatcherCount(): number {
  return shared.size;
}

function create(spec: DispatcherSpec): Dispatcher {
  const { Pool, ProxyAgent } = loadUndici();
  const common = { connectTimeout: spec.connectTimeoutMs, connections: 4 };
  if (!spec.proxy) {
    // strictSSL only relaxes proxied connections (what http.proxyStrictSSL is for): a direct
    // connection to Veriff always verifies the certificate.
    return new Pool(spec.origin, common);
  }
  // The client targets a single origin, so the proxy decision (setting vs environment, NO_PROXY)
  // is made once in chooseProxy(); a plain ProxyAgent then serves both sources. https targets are
  // tunnelled with CONNECT; so are http (loopback) targets, keeping one code path for both.
  const tls = spec.strictSSL ? undefined : { rejectUnauthorized: false };
  return new ProxyAgent({
    uri: spec.proxy.url,
    ...common,
    ...(tls ? { requestTls: tls, proxyTls: tls } : {}),
  });
}
