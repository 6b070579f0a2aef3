import { IncomingMessage, Server, ServerResponse, createServer, request as httpRequest } from 'node:http';
import { Socket, connect } from 'node:net';

/**
 * A real HTTP proxy on 127.0.0.1 for tests: CONNECT tunnels (what undici's ProxyAgent uses) and
 * absolute-URI forwarding (plain HTTP proxying). It only reaches loopback targets and counts what
 * it carried.
 */
export interface TestProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** `host:port` of every CONNECT tunnel opened, in order. */
  readonly connects: string[];
  /** Absolute URIs of every forwarded request, in order. */
  readonly forwards: string[];
  /** Proxy-Authorization headers seen (CONNECT or forward), in order. */
  readonly proxyAuthorizations: string[];
  /** Everything the proxy carried: tunnels plus forwarded requests. */
  readonly total: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export async function startTestProxy(): Promise<TestProxy> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const proxyAuthorizations: string[] = [];
  const sockets = new Set<Socket>();

  const noteAuth = (req: IncomingMessage): void => {
    const auth = req.headers['proxy-authorization'];
    if (typeof auth === 'string') {
      proxyAuthorizations.push(auth);
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    noteAuth(req);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('absolute URI expected');
      return;
    }
    if (target.protocol !== 'http:' || !LOOPBACK.has(target.hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('loopback http targets only');
      return;
    }
    forwards.push(target.href);
    // As a real proxy does (RFC 9112 §3.2.2): Host names the target, not the proxy.
    const headers: IncomingMessage['headers'] = { ...req.headers, host: target.host };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
      }
      res.end('upstream failed');
    });
    req.pipe(upstream);
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    noteAuth(req);
    const [host, portText] = splitHostPort(req.url ?? '');
    if (!LOOPBACK.has(host) || !portText) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    connects.push(`${host}:${portText}`);
    const upstream = connect(Number(portText), host === 'localhost' ? '127.0.0.1' : host.replace(/^\[|\]$/g, ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        upstream.write(head);
      }
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    connects,
    forwards,
    proxyAuthorizations,
    get total() {
      return connects.length + forwards.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) {
          s.destroy();
        }
      }),
  };
}

function splitHostPort(authority: string): [string, string | undefined] {
  const bracketed = /^(\[[^\]]+\]):(\d+)$/.exec(authority);
  if (bracketed) {
    return [bracketed[1]!, bracketed[2]];
  }
  const i = authority.lastIndexOf(':');
  return i < 0 ? [authority, undefined] : [authority.slice(0, i), authority.slice(i + 1)];
}
