// Hijacked connections (attach, exec start): `Upgrade: tcp` requests reach the router through the
// server's 'upgrade' event; the handler then owns the raw socket. Requests without Upgrade get a
// plain streamed 200 (dockerode's default attach).
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendError, sendNotFoundRoute } from '../errors.js';
import type { ApiRequest, Router } from '../router.js';

const heads = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>();

export function handleUpgrade(router: Router, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  const res = new ServerResponse(req);
  res.assignSocket(socket as never);
  res.shouldKeepAlive = false;
  heads.set(req, { socket, head });
  const match = router.match(req);
  if (!match) { sendNotFoundRoute(res); return; }
  Promise.resolve(match.handler(match.request, res)).catch((err: unknown) => {
    if (res.headersSent || (socket as { hijacked?: boolean }).hijacked) socket.destroy();
    else sendError(res, err);
  });
}

export interface RawStream {
  /** False when the client's buffer is full (see drained). */
  write(data: Buffer): boolean;
  /** Resolves when buffered output has gone out, or the client is gone. */
  drained(): Promise<void>;
  end(): void;
  onInput(onData: (b: Buffer) => void, onEnd: () => void): void;
  closed: Promise<void>;
}

/** Sends the 101 (or a streamed 200) and returns the byte pipe to the client. */
export function hijack(req: ApiRequest, res: ServerResponse, contentType: string, skipBody = 0): RawStream {
  const up = heads.get(req.raw);
  if (up) {
    const { socket, head } = up;
    res.detachSocket(socket as never);
    (socket as { hijacked?: boolean }).hijacked = true;
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    let pending = head.subarray(Math.min(skipBody, head.length));
    return {
      write: (d) => (socket.destroyed ? true : socket.write(d)),
      drained: () => drainedOrClosed(socket),
      end: () => { if (!socket.destroyed) socket.end(); },
      onInput: (onData, onEnd) => {
        if (pending.length) onData(pending);
        pending = Buffer.alloc(0);
        socket.on('data', onData);
        socket.on('end', onEnd); // half-close from the client means "no more stdin", not "gone"
      },
      closed,
    };
  }
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return {
    write: (d) => (res.writableEnded ? true : res.write(d)),
    drained: () => drainedOrClosed(res),
    end: () => { if (!res.writableEnded) res.end(); },
    onInput: (onData, onEnd) => { req.raw.on('data', onData); req.raw.on('end', onEnd); },
    closed,
  };
}

/** The JSON body of an upgraded request sits at the start of `head` (Content-Length bytes). */
export function upgradeBody(req: ApiRequest): { body: unknown; length: number } | undefined {
  const up = heads.get(req.raw);
  if (!up) return undefined;
  const length = Number(req.raw.headers['content-length'] ?? 0) || 0;
  const text = up.head.subarray(0, length).toString();
  try { return { body: text ? JSON.parse(text) : {}, length }; } catch { return { body: {}, length }; }
}

function drainedOrClosed(w: { writableNeedDrain: boolean; destroyed: boolean; once(ev: string, f: () => void): unknown; off(ev: string, f: () => void): unknown }): Promise<void> {
  if (!w.writableNeedDrain || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => { w.off('drain', done); w.off('close', done); resolve(); };
    w.once('drain', done);
    w.once('close', done);
  });
}
