// A stand-in engine on a unix socket: just enough of the Docker API for the connection tests.
import * as http from 'node:http';
import * as fs from 'node:fs';
import type { ServerResponse } from 'node:http';

export class FakeEngine {
  private server: http.Server | undefined;
  private readonly eventClients = new Set<ServerResponse>();
  eventSubscriptions = 0;

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
