// Entry of dist/undici.js: the parts of undici the client uses (Pool, ProxyAgent and connect()),
// taken from undici's own modules rather than its index, which would also bring fetch, WebSocket,
// caches, mocks, interceptors, the other agents and the stream-based request API. The client sends
// through dispatch() (http/exchange.ts). Loaded lazily by dispatcher.ts, so it stays out of the
// activation bundle.
/* eslint-disable @typescript-eslint/no-require-imports */
import type * as Undici from 'undici';

const Dispatcher = require('undici/lib/dispatcher/dispatcher') as typeof Undici.Dispatcher;
// As undici's index does for every dispatcher, but only connect(): ProxyAgent opens its CONNECT
// tunnel with it.
Object.assign(Dispatcher.prototype, { connect: require('undici/lib/api/api-connect') as unknown });

export const Pool = require('undici/lib/dispatcher/pool') as typeof Undici.Pool;
export const ProxyAgent = require('undici/lib/dispatcher/proxy-agent') as typeof Undici.ProxyAgent;
