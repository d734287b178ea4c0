// One container from its start to its recorded exit: runs the OCI runtime (detached under the host's
// subreaper, under script(1) for a TTY, or in the foreground), feeds the output pump, serves the
// attach socket, passes stdin and resizes on, and records the exit before anyone hears of it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, unlinkSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { LogWriter } from '../logs/log-file.js';
import { RuntimeCommands } from '../oci/command-lines.js';
import { resizePty, underPty } from '../tasks/pty.js';
import { runtimeError } from '../tasks/runtime-error.js';
import { AttachServer, type DirectAttach } from './attach-server.js';
import { recordExit } from './exit-recorder.js';
import { watchOomKills, type OomWatch } from '../cgroups/oom.js';
import { OutputPump, toLogAndClients } from './output-pump.js';
import { encodeControl, type ControlMessage, type ExitRecord, type MonitorJob } from './protocol.js';
import type { ReaperPipes, SharedReaper } from './reaper.js';

/** How long held output waits for connections the daemon announced but did not send (normally ~1 ms). */
const HANDOVER_WAIT_MS = 2000;
/** How long an exit waits for clients to read the exit frame before they are cut off. */
const CLIENT_GRACE_MS = 5000;

/** The container's process as the job holds it. */
interface RunningProcess {
  stdin?: Writable; stdout?: Readable; stderr?: Readable;
  /** The process whose stdin is the pty (for resizing), with a TTY. */
  ptyHolder?: ChildProcess;
}

export class JobRunner {
  readonly commands: RuntimeCommands;
  readonly attach: AttachServer;
  private readonly pump: OutputPump;
  private readonly log: LogWriter;
  private readonly sock: string;
  private readonly pidFile: string;
  private proc: RunningProcess = {};
  private watcher: FSWatcher | undefined;
  private started = false;
  /** OOM kills seen while it runs: under systemd the cgroup can be gone by the time it has exited. */
  private oom: OomWatch | undefined;
  private startedAt = '';
  private pid = 0;
  private exited: ExitRecord | undefined;
  private directPending: number;
  private heldFinish: (() => void) | undefined;
  private readonly heldStdin: (Buffer | undefined)[] = [];
  private readonly beforeStart: (Buffer | undefined)[] = [];
  private finishing = false;

  /** `done` is called once the exit is recorded and every client has been told. */
  constructor(readonly job: MonitorJob, private readonly done: () => void) {
    this.commands = new RuntimeCommands(job.runtime);
    this.directPending = job.directAttaches ?? 0;
    this.sock = join(job.containerDir, 'monitor.sock');
    this.pidFile = join(job.containerDir, 'container.pid');
    this.attach = new AttachServer({
      control: (_c, msg) => this.control(msg),
      stdin: (d) => this.stdinWrite(d),
      openStdin: job.openStdin, stdinOnce: job.stdinOnce,
      pressure: (blocked) => { if (!this.exited) this.pump.setBlocked(blocked); },
      greeting: () => ({
        exit: this.exited && encodeControl({ op: 'exit', record: this.exited }),
        started: this.started && this.pid ? encodeControl({ op: 'started', pid: this.pid, startedAt: this.startedAt }) : undefined,
      }),
    });
    this.log = new LogWriter(job.log.path, job.log.maxSize, job.log.maxFile);
    this.pump = new OutputPump(toLogAndClients(this.log, this.attach));
  }

  /**
   * Starts the container; `first` is the daemon connection that brought the job (it gets output at
   * once). `reaper`: the host's subreaper, or undefined for the foreground path.
   */
  start(first: Socket, pending: Buffer | undefined, reaper: SharedReaper | undefined): void {
    const j = this.job;
    this.attach.addFramed(first, { stdout: j.relay?.stdout ?? true, stderr: j.relay?.stderr ?? true, stdin: j.openStdin }, pending);
    try { unlinkSync(this.pidFile); } catch { /* fresh */ }
    this.watcher = watch(j.containerDir, (_ev, name) => {
      if (name === 'container.pid' && !this.started && this.readPid()) this.markStarted();
    });
    this.watcher.on('error', () => undefined);
    this.attach.listen(this.sock);
    try { writeFileSync(join(j.containerDir, 'monitor.pid'), String(process.pid)); } catch (err) {
      process.stderr.write(`berth-monitor: cannot write monitor.pid: ${(err as Error).message}\n`);
    }
    if (j.tty || !reaper?.alive) { this.startInForeground(); return; }
    reaper.pipes(j.id).then((pipes) => this.startDetached(reaper, pipes), (err: Error) => {
      process.stderr.write(`berth-monitor: the subreaper cannot take ${j.id.slice(0, 12)} (${err.message}); running the OCI runtime in the foreground\n`);
      this.startInForeground();
    });
  }

  /** A docker CLI connection the daemon handed over for this container. */
  addDirect(msg: DirectAttach, socket: Socket): void {
    this.attach.addDirect(msg, socket);
    if (this.directPending > 0 && --this.directPending === 0) this.handoverDone();
  }

  /** The runtime under the subreaper: the container writes straight into the monitor's pipes. */
  private startDetached(reaper: SharedReaper, pipes: ReaperPipes): void {
    this.proc = pipes;
    this.wireStdio();
    let left = 3;
    let code = 255;
    const one = (): void => { if (--left === 0) this.ended(code); };
    const onExit = (job: string, c: number): void => {
      if (job !== this.job.id) return;
      reaper.off('exit', onExit);
      reaper.off('gone', onGone);
      code = c;
      one();
    };
    // A subreaper that dies leaves the exit status unknown; the end of the output still ends the job.
    const onGone = (): void => { reaper.off('exit', onExit); code = 255; one(); };
    reaper.on('exit', onExit);
    reaper.once('gone', onGone);
    pipes.stdout.once('close', one);
    pipes.stderr.once('close', one);
    this.pump.read(pipes, true);
    reaper.run(this.job.id, [this.commands.binary, ...this.commands.run(this.job.id, { bundle: this.job.bundleDir, pidFile: this.pidFile, detach: true })], this.pidFile);
  }

  /** `run` in the foreground as our child: for a TTY (under script(1)'s pty), or without a subreaper. */
  private startInForeground(): void {
    const j = this.job;
    const argv = [this.commands.binary, ...this.commands.run(j.id, { bundle: j.bundleDir, pidFile: this.pidFile, keep: true })];
    const [cmd, ...args] = j.tty ? underPty(argv, j.consoleSize) : argv;
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: j.tty ? { ...process.env, SHELL: '/bin/sh' } : process.env });
    this.proc = { stdin: child.stdin ?? undefined, stdout: child.stdout ?? undefined, stderr: child.stderr ?? undefined, ptyHolder: j.tty ? child : undefined };
    this.wireStdio();
    this.pump.read(this.proc, false);
    child.on('error', (err) => this.finish(127, err.message));
    child.on('close', (code, signal) => this.ended(code ?? 128 + (signal ? 9 : 0)));
  }

  private wireStdio(): void {
    const j = this.job;
    this.proc.stdin?.on('error', () => { /* the container closed its stdin */ });
    if (!j.openStdin && !j.tty) this.proc.stdin?.end();
    for (const d of this.beforeStart.splice(0)) this.stdinWrite(d);
  }

  private control(msg: ControlMessage): void {
    if (msg.op === 'resize') this.resize(msg.h, msg.w);
  }

  private resize(h: number, w: number): void {
    const holder = this.proc.ptyHolder?.pid;
    if (!this.job.tty || !holder || !h || !w) return;
    resizePty(holder, h, w);
  }

  // With a TTY, stdin waits until the container runs: until then script's own pty still echoes.
  private stdinWrite(data: Buffer | undefined): void {
    if (!this.proc.stdin && !this.exited) { this.beforeStart.push(data); return; }
    if (this.job.tty && !this.started) { this.heldStdin.push(data); return; }
    if (data) this.proc.stdin?.write(data);
    else this.proc.stdin?.end();
  }

  private readPid(): number {
    if (!this.pid) {
      try { this.pid = Number(readFileSync(this.pidFile, 'utf8')) || 0; } catch { /* not yet */ }
    }
    return this.pid;
  }

  private markStarted(): void {
    this.started = true;
    this.oom = watchOomKills(this.job.memoryCgroup);
    // The pid file was all it watched for: a host with many containers keeps no watch per container.
    this.watcher?.close();
    for (const d of this.heldStdin.splice(0)) this.stdinWrite(d);
    this.startedAt = new Date().toISOString();
    this.attach.control(encodeControl({ op: 'started', pid: this.pid, startedAt: this.startedAt }));
    if (this.directPending > 0) {
      // The hand-over normally takes a millisecond; never hold output for long on its account.
      setTimeout(() => { if (this.directPending > 0) this.handoverDone(); }, HANDOVER_WAIT_MS);
      return;
    }
    this.pump.release();
  }

  /** All announced connections are here (or we stopped waiting): release held output, then a held exit. */
  private handoverDone(): void {
    this.directPending = 0;
    if (this.started) this.pump.release();
    const f = this.heldFinish;
    this.heldFinish = undefined;
    f?.();
  }

  private ended(code: number): void {
    this.watcher?.close();
    if (!this.started && this.readPid()) this.markStarted();
    this.finish(code);
  }

  private finish(exitCode: number, spawnError?: string): void {
    if (this.exited || this.finishing) return;
    this.pump.flushTurn();
    // A container can be done before its clients arrive (`docker run busybox hostname`): the exit waits.
    if (this.directPending > 0) {
      this.heldFinish ??= () => this.finish(exitCode, spawnError);
      setTimeout(() => { if (this.directPending > 0) this.handoverDone(); }, HANDOVER_WAIT_MS);
      return;
    }
    this.finishing = true;
    let error = spawnError;
    // The runtime failed before the process ran: what it printed is the error, not container output.
    if (!this.started) error ??= runtimeError(this.pump.takeHeld().toString()) || `the OCI runtime exited with code ${exitCode}`;
    const oomKilled = this.oom?.killed() ?? false;
    this.oom?.close();
    const record: ExitRecord = { exitCode, oomKilled, finishedAt: new Date().toISOString(), startedAt: this.startedAt || undefined, error };
    this.exited = record;
    this.attach.stopListening(this.sock);
    // The exit is announced only once all output is on file: `docker logs` right after `docker wait` sees it all.
    void this.log.close()
      .then(() => recordExit(this.job, record, this.commands))
      .then(() => this.attach.endAll(encodeControl({ op: 'exit', record }), CLIENT_GRACE_MS))
      .then(() => this.done());
  }
}
