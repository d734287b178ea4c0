// Daemon side of the monitor: keeps one spare monitor warm (Node start-up is ~90 ms here, far too slow
// for the `docker run` path), hands it a job, and talks to running monitors over their sockets.
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

interface Spare { socket: Socket; pid: number; child: ChildProcess }

/** A docker CLI attach connection (after the 101, unread) for the monitor to serve directly. */
export interface Handover { socket: Socket; head: Buffer; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }

/** At most this many idle monitors wait ready; bursts of starts raise the count up to it. */
const MAX_SPARES = 4;
/** A minute without a start that had to wait for a monitor brings the pool back to one spare. */
const SHRINK_AFTER_MS = 60_000;
/**
 * When a taken spare is replaced. Node's start-up takes a core for ~50 ms; started while a short
 * container is still finishing (`docker run --rm IMAGE echo hi`) it competes with the monitor, the
 * daemon and the CLI on the exit path. So the replacement starts shortly after the container exits
 * (the daemon has answered by then), or after it has run a while, whichever comes first.
 */
const REPLACE_AFTER_EXIT_MS = 30;
const REPLACE_AFTER_START_MS = 200;

/**
 * Warm monitors, so Node's start-up (~50-100 ms) is off the `docker run` path. One spare by default;
 * a start that finds none ready raises the count (bursts: `docker compose up`, 50 at once).
 */
export class SparePool {
  private readonly ready: Spare[] = [];
  private readonly waiting: { resolve: (s: Spare) => void; reject: (e: unknown) => void }[] = [];
  private pending = 0;
  private readonly spawning = new Set<Promise<Spare>>();
  private target = 1;
  private lastShortage = 0;
  private closed = false;

  private shrinkTimer: NodeJS.Timeout | undefined;

  /** `shrinkAfterMs`: how long without a shortage before the pool is back to one spare (tests shorten it). */
  constructor(private readonly command: MonitorCommand, private readonly runDir: string, private readonly shrinkAfterMs = SHRINK_AFTER_MS) {}

  /** Idle spares ready now, and how many the pool keeps at present (for tests). */
  get idle(): number { return this.ready.length; }
  get wanted(): number { return this.target; }

  /** Starts warming spares now, so the first container start does not pay for it. */
  warm(): void {
    if (this.closed) return;
    this.shrinkIfQuiet();

    while (this.ready.length + this.pending < this.target + this.waiting.length) {
      this.pending++;
      const spawning = this.spawnSpare();
      this.spawning.add(spawning);
      const settled = (): void => { this.spawning.delete(spawning); };
      spawning.then(settled, settled);
      spawning.then((spare) => {
        this.pending--;
        // A spare that dies while idle (killed by hand) must not be handed a job.
        spare.socket.once('close', () => { const i = this.ready.indexOf(spare); if (i >= 0) this.ready.splice(i, 1); });
        const w = this.waiting.shift();
        if (w) w.resolve(spare);
        // One started for a burst that a quiet interval has since ended is not kept either.
        else if (this.closed || this.ready.length >= this.target) spare.socket.destroy();
        else this.ready.push(spare);
      }, (err: unknown) => {
        this.pending--;
        this.waiting.shift()?.reject(err);
      });
    }
  }

  /** Back to one spare once no start has waited for a monitor for a while; each idle spare is ~44 MB. */
  private shrinkIfQuiet(): void {
    if (this.target <= 1 || Date.now() - this.lastShortage < this.shrinkAfterMs) return;
    this.target = 1;
    while (this.ready.length > this.target) this.ready.pop()!.socket.destroy();
  }

  /** Checks again a quiet interval after the last shortage: without further starts nothing else would. */
  private scheduleShrink(): void {
    clearTimeout(this.shrinkTimer);
    this.shrinkTimer = setTimeout(() => { if (!this.closed) this.shrinkIfQuiet(); }, this.shrinkAfterMs + 10);
    this.shrinkTimer.unref();
  }

  private take(): Promise<Spare> {
    const spare = this.ready.shift();
    if (spare) return Promise.resolve(spare);
    this.lastShortage = Date.now();
    this.target = Math.min(MAX_SPARES, this.target + 1);
    this.scheduleShrink();
    return new Promise((resolve, reject) => { this.waiting.push({ resolve, reject }); this.warm(); });
  }

  /**
   * Hands `job` to a spare; its replacement starts off the start and exit paths (REPLACE_AFTER_*).
   * `handovers` (called only when the spare can take them) gives the attached CLI connections: they
   * go to the monitor itself over the IPC channel, so output flows container -> monitor -> CLI
   * without passing through the daemon.
   */
  async launch(job: MonitorJob, hooks: { handovers?: () => Handover[]; relay?: () => { stdout: boolean; stderr: boolean } } = {}): Promise<MonitorSession> {
    const spare = await this.take();
    const session = new MonitorSession(spare.socket);
    const direct = spare.child.connected && hooks.handovers ? hooks.handovers() : [];
    session.control({ op: 'run', job: { ...job, directAttaches: direct.length, relay: hooks.relay?.() } });
    for (const h of direct) {
      spare.child.send({ op: 'docker-attach', stdin: h.stdin, stdout: h.stdout, stderr: h.stderr, tty: h.tty, head: h.head.toString('base64') }, h.socket);
    }
    let replaced = false;
    const replace = (): void => { if (!replaced) { replaced = true; this.warm(); } };
    const after = (ms: number) => (): void => { setTimeout(replace, ms).unref(); };
    session.waitStarted().then(after(REPLACE_AFTER_START_MS), after(REPLACE_AFTER_EXIT_MS));
    session.once('exit', after(REPLACE_AFTER_EXIT_MS));
    session.once('close', after(REPLACE_AFTER_EXIT_MS));
    return session;
  }

  /** Hangs up on every spare (a spare without a job exits); resolves when those being started are gone too. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.shrinkTimer);
    const hangUp = (s: Spare): Promise<void> => new Promise((done) => {
      if (s.socket.closed) { done(); return; }
      s.socket.once('close', () => done());
      s.socket.destroy();
    });
    const idle = this.ready.splice(0).map(hangUp);
    for (const w of this.waiting.splice(0)) w.reject(new SystemError('the daemon is shutting down'));
    const starting = [...this.spawning].map((p) => p.then(hangUp, () => undefined));
    await Promise.all([...idle, ...starting]);
  }

  private spawnSpare(): Promise<Spare> {
    const sock = join(this.runDir, `spare-${randomBytes(6).toString('hex')}.sock`);
    return new Promise((resolve, reject) => {
      // Monitors outlive the daemon, so their stderr goes to a file (O_APPEND, shared by all), not to us.
      const errLog = openSync(join(this.runDir, 'monitors.log'), 'a', 0o600);
      const child = spawn(this.command.execPath, [...this.command.args, '--spare', sock], { detached: true, stdio: ['pipe', 'pipe', errLog, 'ipc'] });
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
        const socket = withSocketPath(sock, (path) => connect({ path, allowHalfOpen: true }));
        socket.once('error', (err) => { rmSync(sock, { force: true }); reject(err); });
        // Our end of its stdin tells the spare we are alive until it has a client (see monitor/main.ts).
        socket.once('connect', () => { child.stdin!.destroy(); resolve({ socket, pid: child.pid!, child }); });
      });
    });
  }
}
