// A monitor host: one process that monitors many containers, like one containerd-shim for many
// tasks would. Started ahead of time by the daemon (so Node's start-up is off the `docker run` path),
// it takes jobs over its control socket: each connection that sends a `run` frame is one container,
// and that connection is then the daemon's first client of it. Each container also gets its own
// attach socket (<containerDir>/monitor.sock) and exit record, so the daemon's view of a container
// does not change with the host. The host outlives the daemon while it has containers; once the
// daemon is gone it takes no new jobs and exits with its last container.
import { createServer, type Server, type Socket } from 'node:net';
import { unlinkSync } from 'node:fs';
import { withSocketPath } from './socket-path.js';
import { JobRunner } from './job-runner.js';
import type { DirectAttach } from './attach-server.js';
import { FrameType, type ControlMessage, type MonitorJob } from './protocol.js';
import { SharedReaper } from './reaper.js';

/** The IPC message that comes with a docker CLI connection handed over for container `id`. */
export interface DockerAttachMessage extends DirectAttach { op: 'docker-attach'; id: string }

/** How long a host whose daemon went before connecting waits for the connection queued behind. */
const ORPHAN_WAIT_MS = 1000;

export class MonitorHost {
  private readonly jobs = new Map<string, JobRunner>();
  // The IPC channel and the job's socket are separate: a handed-over connection may arrive first.
  private readonly beforeJob = new Map<string, [DirectAttach, Socket][]>();
  private server: Server | undefined;
  private daemon: Socket | undefined;
  private daemonGone = false;
  private reaper: SharedReaper | undefined;
  private reaperStarting: Promise<void> | undefined;

  constructor(private readonly controlPath: string) {}

  /** Starts the subreaper and listens; `ready` is called once jobs can come. */
  async start(ready: () => void): Promise<void> {
    await this.ensureReaper();
    this.server = createServer({ allowHalfOpen: true }, (s) => this.accept(s));
    withSocketPath(this.controlPath, (p) => this.server!.listen(p, ready));
  }

  /** The daemon's end of our stdin closed before it connected: nobody ever will. */
  orphaned(): void {
    setTimeout(() => { if (!this.daemon) process.exit(0); }, ORPHAN_WAIT_MS);
  }

  /** A docker CLI connection handed over by the daemon over the IPC channel. */
  handover(msg: DockerAttachMessage, socket: Socket): void {
    // Half-open at once (the CLI may have closed its write side already): its EOF must not end our
    // side before the connection is set up, which waits for the job when it comes first.
    socket.allowHalfOpen = true;
    const job = this.jobs.get(msg.id);
    if (job) { job.addDirect(msg, socket); return; }
    const list = this.beforeJob.get(msg.id) ?? [];
    list.push([msg, socket]);
    this.beforeJob.set(msg.id, list);
  }

  /** The first connection is the daemon's own: while it is open, the daemon is alive. */
  private accept(socket: Socket): void {
    if (!this.daemon) {
      this.daemon = socket;
      socket.on('error', () => undefined);
      socket.on('end', () => socket.end());
      socket.on('close', () => this.daemonLeft());
      return;
    }
    this.awaitJob(socket);
  }

  /** Reads the connection's first frame: a `run` makes it a container's first client. */
  private awaitJob(socket: Socket): void {
    let buf: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      if (buf.length < 5) return;
      const len = buf.readUInt32BE(1);
      if (buf.length < 5 + len) return;
      socket.off('data', onData);
      socket.off('error', onError);
      let msg: ControlMessage | undefined;
      try { msg = buf[0] === FrameType.Control ? JSON.parse(buf.subarray(5, 5 + len).toString()) as ControlMessage : undefined; } catch { /* not ours */ }
      if (msg?.op !== 'run' || this.jobs.has(msg.job.id)) { socket.destroy(); return; }
      this.run(msg.job, socket, buf.subarray(5 + len));
    };
    const onError = (): void => { socket.destroy(); };
    socket.on('data', onData);
    socket.on('error', onError);
  }

  private run(job: MonitorJob, socket: Socket, pending: Buffer): void {
    const runner = new JobRunner(job, () => this.jobDone(job.id));
    this.jobs.set(job.id, runner);
    runner.start(socket, pending, this.reaper);
    for (const [m, s] of this.beforeJob.get(job.id) ?? []) runner.addDirect(m, s);
    this.beforeJob.delete(job.id);
    // A subreaper that died is replaced for the jobs that come next.
    if (!this.reaper?.alive) void this.ensureReaper();
  }

  private ensureReaper(): Promise<void> {
    if (this.reaper?.alive) return Promise.resolve();
    this.reaperStarting ??= SharedReaper.start().then((r) => {
      this.reaper = r;
      this.reaperStarting = undefined;
      r?.once('gone', () => process.stderr.write(`berth-monitor: the subreaper of monitor host ${process.pid} exited; new containers get another\n`));
    });
    return this.reaperStarting;
  }

  private jobDone(id: string): void {
    this.jobs.delete(id);
    this.exitIfIdle();
  }

  private daemonLeft(): void {
    this.daemonGone = true;
    // No new jobs without a daemon: the next daemon starts its own host.
    this.server?.close();
    try { unlinkSync(this.controlPath); } catch { /* gone */ }
    this.exitIfIdle();
  }

  private exitIfIdle(): void {
    if (!this.daemonGone || this.jobs.size > 0) return;
    this.reaper?.close();
    process.exit(0);
  }
}
