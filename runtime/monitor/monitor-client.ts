// Daemon side of the monitor: keeps one spare monitor warm (Node start-up is ~90 ms here, far too slow
// for the `docker run` path), hands it a job, and talks to running monitors over their sockets.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SystemError } from '../errdefs.js';
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

export function connectMonitor(containerDir: string, attach: { stdin: boolean; stdout: boolean; stderr: boolean }): Promise<MonitorSession> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: join(containerDir, 'monitor.sock'), allowHalfOpen: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      const session = new MonitorSession(socket);
      session.control({ op: 'attach', ...attach });
      resolve(session);
    });
  });
}

interface Spare { socket: Socket; pid: number }

export class SparePool {
  private spare?: Promise<Spare>;
  private closed = false;

  constructor(private readonly command: MonitorCommand, private readonly runDir: string) {}

  /** Starts warming a spare now, so the first container start does not pay for it. */
  warm(): void {
    if (!this.spare && !this.closed) {
      this.spare = this.spawnSpare();
      this.spare.catch(() => { this.spare = undefined; });
    }
  }

  async launch(job: MonitorJob): Promise<MonitorSession> {
    this.warm();
    const spare = await this.spare!;
    this.spare = undefined;
    this.warm();
    const session = new MonitorSession(spare.socket);
    session.control({ op: 'run', job });
    return session;
  }

  close(): void {
    this.closed = true;
    // Hanging up on the spare makes it exit (it has no job).
    this.spare?.then((s) => s.socket.destroy(), () => undefined);
    this.spare = undefined;
  }

  private spawnSpare(): Promise<Spare> {
    const sock = join(this.runDir, `spare-${randomBytes(6).toString('hex')}.sock`);
    return new Promise((resolve, reject) => {
      const child = spawn(this.command.execPath, [...this.command.args, '--spare', sock], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      child.once('error', reject);
      child.on('exit', (code) => reject(new SystemError(`the container monitor exited early (code ${code})`)));
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('ready\n')) return;
        child.stdout!.destroy();
        child.removeAllListeners('exit');
        child.unref();
        const socket = connect({ path: sock, allowHalfOpen: true });
        socket.once('error', (err) => { rmSync(sock, { force: true }); reject(err); });
        socket.once('connect', () => resolve({ socket, pid: child.pid! }));
      });
    });
  }
}
