// Hijacked connections (attach, exec start): `Upgrade: tcp` requests reach the router through the
// server's 'upgrade' event; the handler then owns the raw socket. Requests without Upgrade get a
// plain streamed 200 (dockerode's default attach).
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Socket } from 'node:net';
import { InvalidError } from '../../errdefs.js';
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
  /**
   * Writes the parts (e.g. a frame header and its payload); false when the client's buffer is full
   * (see drained). Writes of one tick go out together (cork/uncork: one writev, not a syscall each).
   */
  write(...parts: Buffer[]): boolean;
  /** Resolves when buffered output has gone out, or the client is gone. */
  drained(): Promise<void>;
  end(): void;
  onInput(onData: (b: Buffer) => void, onEnd: () => void): void;
  closed: Promise<void>;
  /**
   * The upgraded connection itself, for another process to serve (before any input was read and
   * once the 101 is out); undefined for plain (non-upgraded) streams. Afterwards this stream is inert.
   */
  takeOver(): { socket: Socket; head: Buffer } | undefined;
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
    // Nothing may be read and dropped before someone wants the client's input (or takes the socket).
    socket.pause();
    let reading = false;
    let gone = false;
    const write = batched(socket);
    return {
      write: (...parts) => (gone ? true : write(...parts)),
      drained: () => drainedOrClosed(socket),
      end: () => { if (!socket.destroyed && !gone) socket.end(); },
      onInput: (onData, onEnd) => {
        reading = true;
        if (pending.length) onData(pending);
        pending = Buffer.alloc(0);
        socket.on('data', onData);
        socket.on('end', onEnd); // half-close from the client means "no more stdin", not "gone"
        socket.resume();
      },
      closed,
      takeOver: () => {
        if (reading || gone || socket.destroyed || socket.writableLength > 0 || !(socket instanceof Socket)) return undefined;
        gone = true;
        // Input already read from the kernel (paused, so kept in the stream's buffer) goes along.
        const buffered: Buffer[] = [pending];
        for (let c = socket.read() as Buffer | null; c !== null; c = socket.read() as Buffer | null) buffered.push(c);
        stopReading(socket);
        return { socket, head: Buffer.concat(buffered) };
      },
    };
  }
  res.writeHead(200, { 'Content-Type': contentType });
  res.flushHeaders();
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return {
    write: batched(res),
    drained: () => drainedOrClosed(res),
    end: () => { if (!res.writableEnded) res.end(); },
    onInput: (onData, onEnd) => { req.raw.on('data', onData); req.raw.on('end', onEnd); },
    closed,
    takeOver: () => undefined,
  };
}

/** The part of net.Socket's handle that pause() leaves alone (it stops reading only for `onread` sockets). */
interface ReadingHandle { reading?: boolean; readStop?(): number }

/**
 * Stops the socket's handle from reading. A paused socket still reads into its buffer, and a handle sent
 * to another process over IPC goes on reading (into nothing) until that process acknowledges it: input
 * the client sends meanwhile (docker run -i with piped stdin) would be lost. Stopped, it stays in the
 * kernel for the receiving process.
 */
function stopReading(socket: Socket): void {
  const handle = (socket as unknown as { _handle?: ReadingHandle })._handle;
  if (!handle?.readStop) return;
  handle.reading = false;
  handle.readStop();
}

/**
 * The JSON body of an upgraded request: the first Content-Length bytes after its headers. Node hands
 * over whatever had arrived with the headers (`head`); the rest of the body may still be on its way,
 * and must not reach the process's stdin, so it is read from the socket first (anything after the
 * body stays in `head` for the stream).
 */
export async function upgradeBody(req: ApiRequest): Promise<{ body: unknown; length: number } | undefined> {
  const up = heads.get(req.raw);
  if (!up) return undefined;
  const length = Number(req.raw.headers['content-length'] ?? 0) || 0;
  if (up.head.length < length) up.head = Buffer.concat([up.head, await readAtLeast(up.socket, length - up.head.length)]);
  const text = up.head.subarray(0, length).toString();
  try {
    return { body: text ? JSON.parse(text) : {}, length };
  } catch (err) {
    throw new InvalidError(`malformed JSON in request body: ${(err as Error).message}`);
  }
}

/** Reads `n` bytes or more from a socket nobody reads yet, then leaves it paused again. */
function readAtLeast(socket: Duplex, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (err?: Error): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= n) done();
    };
    const onEnd = (): void => done(new InvalidError(`the request body ended after ${got} of ${n} more bytes`));
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.resume();
  });
}

function drainedOrClosed(w: { writableNeedDrain: boolean; destroyed: boolean; once(ev: string, f: () => void): unknown; off(ev: string, f: () => void): unknown }): Promise<void> {
  if (!w.writableNeedDrain || w.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => { w.off('drain', done); w.off('close', done); resolve(); };
    w.once('drain', done);
    w.once('close', done);
  });
}

interface Corkable { destroyed: boolean; writableEnded: boolean; cork(): void; uncork(): void; write(b: Buffer): boolean }

/** A write function that corks `w` for the rest of the tick, so many small writes become one writev. */
function batched(w: Corkable): (...parts: Buffer[]) => boolean {
  let corked = false;
  return (...parts) => {
    if (w.destroyed || w.writableEnded) return true;
    if (!corked) {
      corked = true;
      w.cork();
      process.nextTick(() => { corked = false; w.uncork(); });
    }
    let ok = true;
    for (const p of parts) ok = w.write(p);
    return ok;
  };
}
