// Entry of dist/undici.js: the parts of undici the client uses (Pool, ProxyAgent and the request
// API every dispatcher gets), taken from undici's own modules rather than its index, which would
// also bring fetch, WebSocket, caches, mocks, interceptors and the other agents. Loaded lazily by
// dispatcher.ts, so it stays out of the activation bundle.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Undici from 'undici';

const Dispatcher = require('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
// As undici's index does: request() (used by the client) and connect() (used by ProxyAgent to open
// its CONNECT tunnel) come from lib/api, mixed into every dispatcher.
Object.assign(Dispatcher.prototype, require('undici/lib/api') as object);

export const Pool = require('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof Undici.ProxyAgent;
