// A tiny HTTP proxy on 127.0.0.1 for tests: CONNECT tunnels (HTTPS registries) and absolute-URI
// requests (plain HTTP), a log of what it was asked for, and its own name resolution, so a registry
// on 127.0.0.1 can be named by a host name only the proxy knows, as a company proxy resolves names
// the developer's machine cannot.
import http from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface TestProxy {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `CONNECT host:port` and `GET http://...` lines, in order. */
  requests: string[];
  stop(): Promise<void>;
}

export async function startConnectProxy(hosts: Record<string, string> = {}, opts: { requireAuth?: string } = {}): Promise<TestProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const resolve = (host: string): string => hosts[host] ?? host;
  const authorized = (header: string | undefined): boolean =>
    !opts.requireAuth || header === `Basic ${Buffer.from(opts.requireAuth).toString('base64')}`;
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (!authorized(req.headers['proxy-authorization'])) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const target = new URL(req.url ?? '/');
    const upstream = http.request({ host: resolve(target.hostname), port: target.port || 80, method: req.method, path: target.pathname + target.search, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    requests.push(`CONNECT ${req.url}`);
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (!authorized(req.headers['proxy-authorization'])) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
      return;
    }
    const m = /^(.+):(\d+)$/.exec(req.url ?? '');
    if (!m) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const upstream = connect({ host: resolve(m[1] ?? ''), port: Number(m[2]) });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
