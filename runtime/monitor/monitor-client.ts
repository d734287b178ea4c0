// Daemon side of the monitors: keeps a monitor host warm (Node start-up is ~90 ms here, far too slow
// for the `docker run` path), hands it jobs, and talks to running monitors over their sockets.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, openSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SystemError } from '../errdefs.js';
import { withSocketPath } from './socket-path.js';
import { encodeControl, encodeFrame, FrameDecoder, FrameType, type ControlMessage, type ExitRecord, type MonitorJob } from './protocol.js';

export interface MonitorCommand { execPath: string; args: string[] }

/** A connection to one monitor: output events, stdin, resize, and the exit record. */
export class MonitorSession extends EventEmitter {
  private readonly dec = new FrameDecoder();
  exit?: ExitRecord;
  started?: { pid: number; startedAt: string };

  constructor(readonly socket: Socket) {
    super();
    socket.on('data', (chunk) => this.dec.push(chunk, (type, payload) => this.onFrame(type, payload)));
    socket.on('error', () => { /* reported as close */ });
    // The monitor half-closes after the exit frame; finish our side too so 'close' follows.
    socket.on('end', () => socket.end());
    socket.on('close', () => this.emit('close', this.exit));
  }

  private onFrame(type: FrameType, payload: Buffer): void {
    if (type === FrameType.Stdout) this.emit('stdout', payload);
    else if (type === FrameType.Stderr) this.emit('stderr', payload);
    else if (type === FrameType.Control) {
      const msg = JSON.parse(payload.toString()) as ControlMessage;
      if (msg.op === 'started') { this.started = { pid: msg.pid, startedAt: msg.startedAt }; this.emit('started', this.started); }
      else if (msg.op === 'exit') { this.exit = msg.record; this.emit('exit', msg.record); }
      else if (msg.op === 'attached') this.emit('attached');
    }
  }

  control(msg: ControlMessage): void {
    if (!this.socket.destroyed) this.socket.write(encodeControl(msg));
  }

  writeStdin(data: Buffer): boolean {
    return this.socket.destroyed ? false : this.socket.write(encodeFrame(FrameType.Stdin, data));
  }

  endStdin(): void {
    if (!this.socket.destroyed) this.socket.write(encodeFrame(FrameType.StdinEof, Buffer.alloc(0)));
  }

  close(): void {
    this.socket.destroy();
  }

  /** Resolves when the container process has started, rejects with runc's message if it could not. */
  waitStarted(): Promise<{ pid: number; startedAt: string }> {
    if (this.started) return Promise.resolve(this.started);
    return new Promise((resolve, reject) => {
      const onStarted = (s: { pid: number; startedAt: string }) => { cleanup(); resolve(s); };
      const onExit = (r: ExitRecord) => { cleanup(); reject(new SystemError(r.error ?? `container exited with code ${r.exitCode} before it started`)); };
      const onClose = () => { cleanup(); reject(new SystemError('the container monitor exited before the container started')); };
      const cleanup = () => { this.off('started', onStarted); this.off('exit', onExit); this.off('close', onClose); };
      this.on('started', onStarted); this.on('exit', onExit); this.on('close', onClose);
    });
  }
}

/**
 * Connects to a running container's monitor. Resolves once the monitor has registered the client
 * (output from then on is not missed), or with the exit record when the container has already exited.
 */
export function connectMonitor(containerDir: string, attach: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<MonitorSession> {
  return new Promise((resolve, reject) => {
    const socket = withSocketPath(join(containerDir, 'monitor.sock'), (path) => connect({ path, allowHalfOpen: true }));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      const session = new MonitorSession(socket);
      const done = (): void => { session.off('attached', done); session.off('exit', done); session.off('close', done); resolve(session); };
      session.on('attached', done);
      session.on('exit', done);
      session.on('close', done);
      session.control({ op: 'attach', ...attach });
    });
  });
}

/** A monitor host the daemon started: its control socket, our connection to it, its containers. */
interface Host { sock: string; keepalive: Socket; child: ChildProcess; jobs: number }

/** A docker CLI attach connection (after the 101, unread) for the monitor to serve directly. */
export interface Handover { socket: Socket; head: Buffer; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

/**
 * Containers per monitor host. One host serves many containers (a Node process is ~45 MB resident;
 * 50 containers in one host did not grow its PSS measurably, docs/monitor-density.md), but a host
 * that dies takes the monitoring of all of them with it, so the count is bounded: the next
 * container goes to a new host.
 */
const MAX_JOBS_PER_HOST = 64;

/**
 * The monitor hosts: one is kept ready (started at the daemon's start, so Node's start-up, ~50-100 ms,
 * is never on the `docker run` path) and takes every container until it holds `maxJobs`; then the
 * next one, started ahead, takes over. A host that is no longer the current one is let go when its
 * last container has exited.
 */
export class SparePool {
  private current: Host | undefined;
  private starting: Promise<Host> | undefined;
  private readonly hosts = new Set<Host>();
  private closed = false;

  constructor(private readonly command: MonitorCommand, private readonly runDir: string, private readonly maxJobs = MAX_JOBS_PER_HOST) {}

  /** Hosts ready to take a container now: 0 or 1 (for tests). */
  get idle(): number { return this.current ? 1 : 0; }

  /** Starts a host now, so the first container start does not pay for it. */
  warm(): void {
    if (this.closed || this.current || this.starting) return;
    const starting = this.spawnHost();
    this.starting = starting;
    starting.then((host) => {
      if (this.starting === starting) this.starting = undefined;
      if (this.closed) { host.keepalive.destroy(); return; }
      this.hosts.add(host);
      this.current = host;
      // A host that dies (killed by hand) must not be handed a job; its containers' sessions close too.
      host.keepalive.once('close', () => {
        this.hosts.delete(host);
        if (this.current === host) { this.current = undefined; this.warm(); }
      });
    }, (err: unknown) => {
      if (this.starting === starting) this.starting = undefined;
      process.stderr.write(`berthd: cannot start a container monitor: ${(err as Error).message}\n`);
    });
  }

  private async host(): Promise<Host> {
    for (let attempt = 0; ; attempt++) {
      if (this.current) return this.current;
      if (this.closed) throw new SystemError('the daemon is shutting down');
      this.warm();
      try {
        await this.starting;
      } catch (err) {
        if (attempt >= 1) throw err;
      }
    }
  }

  /**
   * Hands `job` to the current host on a connection of its own, which becomes the daemon's session of
   * the container. `handovers` (called only when the host can take them) gives the attached CLI
   * connections: they go to the host itself over the IPC channel, so output flows container ->
   * monitor -> CLI without passing through the daemon.
   */
  async launch(job: MonitorJob, hooks: { handovers?: () => Handover[]; relay?: () => { stdout: boolean; stderr: boolean } } = {}): Promise<MonitorSession> {
    let host: Host;
    let socket: Socket;
    for (let attempt = 0; ; attempt++) {
      host = await this.host();
      // The place is taken before connecting: starts that come meanwhile count it.
      this.reserve(host);
      try {
        socket = await connectTo(host.sock);
        break;
      } catch (err) {
        // The host went between our last look and now: the next one takes the container.
        host.jobs--;
        if (this.current === host) this.current = undefined;
        if (attempt >= 1) throw new SystemError(`cannot reach the container monitor: ${(err as Error).message}`);
      }
    }
    const h = host;
    const session = new MonitorSession(socket);
    const direct = h.child.connected && hooks.handovers ? hooks.handovers() : [];
    session.control({ op: 'run', job: { ...job, directAttaches: direct.length, relay: hooks.relay?.() } });
    for (const d of direct) {
      h.child.send({ op: 'docker-attach', id: job.id, stdin: d.stdin, stdout: d.stdout, stderr: d.stderr, tty: d.tty, head: d.head.toString('base64') }, d.socket);
    }
    session.once('close', () => {
      h.jobs--;
      // A full host that is done is let go (it exits when we hang up).
      if (h.jobs === 0 && this.current !== h) h.keepalive.destroy();
    });
    return session;
  }

  private reserve(h: Host): void {
    h.jobs++;
    if (h.jobs >= this.maxJobs && this.current === h) { this.current = undefined; this.warm(); }
  }

  /** Hangs up on every host: those without containers exit, the others when their last container has. */
  async close(): Promise<void> {
    this.closed = true;
    const hangUp = (h: Host): Promise<void> => new Promise((done) => {
      if (h.keepalive.closed) { done(); return; }
      h.keepalive.once('close', () => done());
      h.keepalive.destroy();
    });
    this.current = undefined;
    const starting = this.starting?.then(hangUp, () => undefined);
    await Promise.all([...[...this.hosts].map(hangUp), starting]);
  }

  private spawnHost(): Promise<Host> {
    const sock = join(this.runDir, `host-${randomBytes(6).toString('hex')}.sock`);
    return new Promise((resolve, reject) => {
      // Monitors outlive the daemon, so their stderr goes to a file (O_APPEND, shared by all), not to us.
      const errLog = openSync(join(this.runDir, 'monitors.log'), 'a', 0o600);
      const child = spawn(this.command.execPath, [...this.command.args, '--host', sock], { detached: true, stdio: ['pipe', 'pipe', errLog, 'ipc'] });
      closeSync(errLog);
      let out = '';
      child.once('error', reject);
      child.on('exit', (code) => reject(new SystemError(`the container monitor exited early (code ${code})`)));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('ready\n')) return;
        child.stdout!.destroy();
        child.removeAllListeners('exit');
        child.unref();
        child.channel?.unref();
        connectTo(sock).then((keepalive) => {
          keepalive.on('error', () => undefined);
          // Our end of its stdin tells the host we are alive until it has our connection (see monitor-host.ts).
          child.stdin!.destroy();
          resolve({ sock, keepalive, child, jobs: 0 });
        }, (err: unknown) => { rmSync(sock, { force: true }); reject(err); });
      });
    });
  }
}

function connectTo(sock: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = withSocketPath(sock, (path) => connect({ path, allowHalfOpen: true }));
    socket.once('error', reject);
    socket.once('connect', () => { socket.off('error', reject); resolve(socket); });
  });
}
