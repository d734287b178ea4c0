// The Engine API HTTP server. It only routes and maps errors; handlers call services.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Services } from '../daemon/services.js';
import { sendError, sendNotFoundRoute } from './errors.js';
import { Router } from './router.js';
import { registerRoutes } from './routes/index.js';
import { handleUpgrade } from './routes/hijack.js';

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';
export const ENGINE_VERSION = '0.1.0';

export interface ApiServer {
  server: Server;
  /** Ends every open connection (event streams never end on their own). */
  closeAll(): void;
}

export function createApiServer(services: Services, extraRoutes: ((router: Router) => void)[] = []): ApiServer {
  const router = new Router();
  registerRoutes(router, services);
  for (const add of extraRoutes) add(router);
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => void handle(router, req, res));
  // attach and exec start hijack the connection (`Upgrade: tcp`).
  server.on('upgrade', (req, socket, head) => handleUpgrade(router, req, socket, head));
  // Uploads (load, import, build) can take longer than Node's default 300 s request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    closeAll: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

async function handle(router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `Berth/${ENGINE_VERSION} (linux)`);
  const match = router.match(req);
  if (!match) {
    req.resume();
    sendNotFoundRoute(res);
    return;
  }
  try {
    await match.handler(match.request, res);
  } catch (err) {
    if (!req.readableEnded) req.resume();
    sendError(res, err);
  }
}
