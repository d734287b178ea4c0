// A stand-in engine on a unix socket: just enough of the Docker API for the connection, view and
// terminal tests and the tree benchmark. Lists come from the public arrays; logs from `logs`.
import * as http from 'node:http';
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';

/** One multiplexed log frame as the Engine API sends it for a container without a TTY. */
export function logFrame(stream: 1 | 2, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

export class FakeEngine {
  private server: http.Server | undefined;
  private readonly eventClients = new Set<ServerResponse>();
  eventSubscriptions = 0;
  containers: object[] = [];
  images: object[] = [];
  volumes: object[] = [];
  networks: object[] = [];
  /** Log frames per container id; each logs request answers with them and ends. */
  logs = new Map<string, Buffer[]>();
  /** Query strings of the log requests, to check `since` after a restart. */
  logRequests: string[] = [];
  /** Build requests: query, headers and the context tar's size. */
  builds: { query: URLSearchParams; headers: Record<string, string | string[] | undefined>; contextBytes: number }[] = [];
  /** The JSON messages each build answers with. */
  buildReply: object[] = [{ stream: 'Step 1/1 : FROM busybox\n' }, { aux: { ID: 'sha256:' + 'ab'.repeat(32) } }, { stream: 'Successfully built abababababab\n' }];
  /** The URLs of list calls, to check the filters a view sends. */
  listQueries: string[] = [];
  /** How many times each list route was called. */
  calls = new Map<string, number>();

  constructor(readonly socketPath: string, readonly platform = 'Docker Engine - Community') {}

  async start(): Promise<void> {
    fs.rmSync(this.socketPath, { force: true });
    this.server = http.createServer((req, res) => {
      const url = (req.url ?? '').replace(/^\/v\d+\.\d+/, '');
      if (url.startsWith('/_ping')) return void res.end('OK');
      if (url.startsWith('/version')) {
        res.setHeader('Content-Type', 'application/json');
        return void res.end(JSON.stringify({ Platform: { Name: this.platform }, Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' }));
      }
      if (url.startsWith('/info')) {
        res.setHeader('Content-Type', 'application/json');
        return void res.end(JSON.stringify({ DockerRootDir: '/var/lib/fake', Containers: 3, ContainersRunning: 1, Images: 7 }));
      }
      const json = (body: unknown): void => {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(body));
      };
      const route = url.split('?')[0];
      const count = (): void => {
        this.calls.set(route, (this.calls.get(route) ?? 0) + 1);
        this.listQueries.push(url);
      };
      if (route === '/containers/json') return count(), json(this.containers);
      if (route === '/images/json') return count(), json(this.images);
      if (route === '/volumes') return count(), json({ Volumes: this.volumes, Warnings: null });
      if (route === '/networks') return count(), json(this.networks);
      if (route === '/build' && req.method === 'POST') {
        let bytes = 0;
        req.on('data', (c: Buffer) => (bytes += c.length));
        req.on('end', () => {
          this.builds.push({ query: new URLSearchParams(url.split('?')[1] ?? ''), headers: req.headers, contextBytes: bytes });
          res.writeHead(200, { 'Content-Type': 'application/json' });
          for (const m of this.buildReply) res.write(JSON.stringify(m) + '\n');
          res.end();
        });
        return;
      }
      const inspect = /^\/containers\/([^/]+)\/json$/.exec(route);
      if (inspect) {
        const id = inspect[1];
        return json({ Id: id, Name: `/${id}`, Config: { Tty: false }, State: { Running: false, ExitCode: 0 } });
      }
      const logs = /^\/containers\/([^/]+)\/logs$/.exec(route);
      if (logs) {
        this.logRequests.push(url.split('?')[1] ?? '');
        res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
        for (const f of this.logs.get(logs[1]) ?? []) res.write(f);
        return void res.end();
      }
      if (url.startsWith('/events')) {
        this.eventSubscriptions++;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders();
        this.eventClients.add(res);
        res.on('close', () => this.eventClients.delete(res));
        return;
      }
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ message: 'page not found' }));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.socketPath, resolve));
  }

  emit(event: object): void {
    for (const c of this.eventClients) c.write(JSON.stringify(event) + '\n');
  }

  async stop(): Promise<void> {
    for (const c of this.eventClients) c.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}
