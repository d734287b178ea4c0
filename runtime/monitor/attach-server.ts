// One container's clients: the daemon's connections (framed, see protocol.ts) on
// <containerDir>/monitor.sock and docker CLI connections the daemon handed over (Docker's own stream
// format). Writes of one tick go out in one writev; a client that cannot keep up is reported, so the
// output pump can stop reading (a slow attached reader slows the container, as with Docker).
import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { withSocketPath } from './socket-path.js';
import { encodeControl, frameHeader, FrameDecoder, FrameType, type ControlMessage } from './protocol.js';

export interface Client {
  socket: Socket; stdin: boolean; stdout: boolean; stderr: boolean;
  /** A docker CLI connection handed over by the daemon: Docker's framing, raw stdin, no control frames. */
  docker?: { tty: boolean };
}

/** A docker CLI connection the daemon hands over (attach before start), as the IPC message says it. */
export interface DirectAttach { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean; head?: string }

/** What the server asks of the container it serves. */
export interface AttachHooks {
  /** Control frames from the daemon's connections (attach is handled here). */
  control(client: Client, msg: ControlMessage): void;
  /** Bytes for the container's stdin, or undefined for its end (only from clients allowed stdin). */
  stdin(data: Buffer | undefined): void;
  /** Whether stdin is open at all, and whether a client's end ends it. */
  openStdin: boolean; stdinOnce: boolean;
  /** Some client cannot take more now (true), or all can again (false). */
  pressure(blocked: boolean): void;
  /** The frames a client that attaches now must get first (started, or the exit record and the end). */
  greeting(): { exit?: Buffer; started?: Buffer };
}

export class AttachServer {
  readonly clients = new Set<Client>();
  private readonly blocking = new Set<Client>();
  private readonly corked = new Set<Socket>();
  private server: Server | undefined;

  constructor(private readonly hooks: AttachHooks) {}

  /** Serves <path> (unlinked first); framed clients connect there. */
  listen(path: string): void {
    try { unlinkSync(path); } catch { /* fresh */ }
    this.server = createServer({ allowHalfOpen: true }, (s) => this.addFramed(s));
    this.server.on('error', (err) => process.stderr.write(`berth-monitor: cannot serve ${path}: ${err.message}\n`));
    withSocketPath(path, (p) => this.server!.listen(p));
  }

  /** Stops taking connections and removes the socket; clients already here stay. */
  stopListening(path: string): void {
    this.server?.close();
    this.server = undefined;
    try { unlinkSync(path); } catch { /* gone */ }
  }

  /** A framed connection from the daemon; `first` is the one that brought the job and gets output at once. */
  addFramed(socket: Socket, first?: { stdout: boolean; stderr: boolean; stdin: boolean }, pending?: Buffer): Client {
    const client: Client = { socket, stdin: false, stdout: false, stderr: false, ...first };
    const dec = new FrameDecoder();
    const gone = (): void => this.remove(client);
    socket.on('error', gone);
    // Half-open sockets: a peer that goes (the daemon killed) only sends FIN; finish the close.
    socket.on('end', () => socket.end());
    socket.on('close', gone);
    const onData = (chunk: Buffer): void => dec.push(chunk, (type, payload) => {
      if (type === FrameType.Control) {
        let msg: ControlMessage;
        // One client's garbage must not end the host, and with it the monitoring of every container.
        try { msg = JSON.parse(payload.toString()) as ControlMessage; } catch { socket.destroy(); return; }
        if (msg.op === 'attach') this.attach(client, msg);
        else if (msg.op === 'output') { client.stdout = msg.stdout; client.stderr = msg.stderr; }
        else this.hooks.control(client, msg);
      } else if (type === FrameType.Stdin && client.stdin) {
        this.hooks.stdin(payload);
      } else if (type === FrameType.StdinEof && client.stdin && this.hooks.stdinOnce) {
        this.hooks.stdin(undefined);
      }
    });
    socket.on('data', onData);
    if (first) this.clients.add(client);
    if (pending?.length) onData(pending);
    return client;
  }

  /** A docker CLI connection; false when the container has exited already (the connection is ended). */
  addDirect(msg: DirectAttach, socket: Socket): void {
    // Half-open: the CLI closes its write side right away when there is no stdin; output must go on.
    socket.allowHalfOpen = true;
    const client: Client = { socket, stdin: msg.stdin && this.hooks.openStdin, stdout: msg.stdout, stderr: msg.stderr, docker: { tty: msg.tty } };
    const gone = (): void => this.remove(client);
    socket.on('error', gone);
    socket.on('close', gone);
    if (this.hooks.greeting().exit) { socket.end(); return; }
    this.clients.add(client);
    if (msg.head && client.stdin) this.hooks.stdin(Buffer.from(msg.head, 'base64'));
    socket.on('data', (d: Buffer) => { if (client.stdin) this.hooks.stdin(d); });
    socket.on('end', () => { if (client.stdin && this.hooks.stdinOnce) this.hooks.stdin(undefined); });
  }

  private attach(client: Client, msg: { stdin: boolean; stdout: boolean; stderr: boolean }): void {
    Object.assign(client, { stdin: msg.stdin && this.hooks.openStdin, stdout: msg.stdout, stderr: msg.stderr });
    const g = this.hooks.greeting();
    if (g.exit) { client.socket.end(g.exit); return; }
    this.clients.add(client);
    // From here on the client gets all output: tell it, so it knows nothing after this is missed.
    client.socket.write(encodeControl({ op: 'attached' }));
    if (g.started) client.socket.write(g.started);
  }

  private remove(client: Client): void {
    this.clients.delete(client);
    if (this.blocking.delete(client) && this.blocking.size === 0) this.hooks.pressure(false);
  }

  /** One chunk of output to every client that wants its stream. */
  output(stream: 'stdout' | 'stderr', data: Buffer): void {
    const head = frameHeader(stream === 'stdout' ? FrameType.Stdout : FrameType.Stderr, data.length);
    let dockerHead: Buffer | undefined;
    for (const c of this.clients) {
      if (!(stream === 'stdout' ? c.stdout : c.stderr)) continue;
      if (!c.docker) this.send(c, head, data);
      else if (c.docker.tty) this.send(c, data);
      else this.send(c, (dockerHead ??= dockerFrameHeader(stream, data.length)), data);
    }
  }

  /** A control frame to the daemon's connections (docker CLI connections get none). */
  control(frame: Buffer): void {
    for (const c of this.clients) if (!c.docker) this.send(c, frame);
  }

  /**
   * Ends every connection: the daemon's get `exitFrame` last, a docker CLI's attach just ends (as
   * with dockerd). Resolves once all are closed, or after `graceMs` (a client that never reads must
   * not keep the container's monitoring alive).
   */
  endAll(exitFrame: Buffer, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      let open = this.clients.size;
      if (!open) { resolve(); return; }
      const timer = setTimeout(() => { for (const c of this.clients) c.socket.destroy(); resolve(); }, graceMs);
      timer.unref();
      for (const c of [...this.clients]) {
        const closed = (): void => { if (--open === 0) { clearTimeout(timer); resolve(); } };
        if (c.docker) c.socket.end(closed);
        else c.socket.end(exitFrame, closed);
      }
    });
  }

  /** Writes the parts; writes of one tick go out in one writev (cork until the next tick). */
  private send(c: Client, ...parts: Buffer[]): void {
    if (c.socket.destroyed || !c.socket.writable) return;
    if (!this.corked.has(c.socket)) {
      this.corked.add(c.socket);
      c.socket.cork();
      process.nextTick(() => { this.corked.delete(c.socket); c.socket.uncork(); });
    }
    let ok = true;
    for (const p of parts) ok = c.socket.write(p);
    if (!ok && !this.blocking.has(c)) {
      this.blocking.add(c);
      if (this.blocking.size === 1) this.hooks.pressure(true);
      c.socket.once('drain', () => { if (this.blocking.delete(c) && this.blocking.size === 0) this.hooks.pressure(false); });
    }
  }
}

/** Docker's multiplexed stream header: [stream, 0, 0, 0, length u32 BE]. */
function dockerFrameHeader(stream: 'stdout' | 'stderr', length: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream === 'stdout' ? 1 : 2;
  h.writeUInt32BE(length, 4);
  return h;
}
