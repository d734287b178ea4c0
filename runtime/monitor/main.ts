// berth-monitor: one per container, like Podman's conmon. Started ahead of time as a "spare" by the
// daemon (so Node's start-up is off the `docker run` path), it takes one job, runs the container with
// `runc run --keep` holding its stdio, writes the log, serves attach on <containerDir>/monitor.sock,
// records the exit atomically in exit.json, and exits. It outlives the daemon.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { watch, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync, unlinkSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { basename, join } from 'node:path';
import { LogWriter } from '../logs/log-file.js';
import { watchOomKills, type OomWatch } from '../cgroups/oom.js';
import { writeExitRecord } from './exit-file.js';
import { runtimeError } from '../tasks/runtime-error.js';
import { resizePty, underPty } from '../tasks/pty.js';
import { withSocketPath } from './socket-path.js';
import { prepareReaper, type ReadyReaper } from './reaper.js';
import { encodeControl, frameHeader, FrameDecoder, FrameType, type ControlMessage, type ExitRecord, type MonitorJob } from './protocol.js';

interface Client {
  socket: Socket; stdin: boolean; stdout: boolean; stderr: boolean;
  /** A docker CLI connection handed over by the daemon: Docker's framing, raw stdin, no control frames. */
  docker?: { tty: boolean };
}

const clients = new Set<Client>();
let job: MonitorJob | undefined;
let child: ChildProcess | undefined;
/** The container's output as read here: the subreaper's pipes, or the runtime's own stdio. */
let out: { stdout?: Readable; stderr?: Readable } = {};
let reaper: ReadyReaper | undefined;
let started = false;
let oom: OomWatch | undefined;
let exited: ExitRecord | undefined;
let startedAt = '';
let log: LogWriter | undefined;
const early: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];

// Back-pressure: a slow attached reader slows the container, as with Docker; a reader that goes
// away (the daemon killed) must release it, or the container would block on a full pipe.
const blocking = new Set<Client>();
// Pacing: after a turn that read bulk output, reading rests PACE_MS so the next turn finds more in
// the pipe. Fewer, larger chunks mean fewer frames for the CLI and log entries; at 200+ MB/s this is
// a tenth more throughput on two cores. Short output is never held: only what follows bulk output.
const PACE_FROM = 32 * 1024;
const PACE_MS = 1;
let paceOutput = false;
let pacing = false;

/** Reads output unless a client is behind or reading is resting. */
function setReading(): void {
  const go = blocking.size === 0 && !pacing;
  for (const s of [out.stdout, out.stderr]) {
    if (go) s?.resume();
    else s?.pause();
  }
}

const corked = new Set<Socket>();

/** Writes the parts; writes of one tick go out in one writev (cork until the next tick). */
function send(c: Client, ...parts: Buffer[]): void {
  if (c.socket.destroyed || !c.socket.writable) return;
  if (!corked.has(c.socket)) {
    corked.add(c.socket);
    c.socket.cork();
    process.nextTick(() => { corked.delete(c.socket); c.socket.uncork(); });
  }
  let ok = true;
  for (const p of parts) ok = c.socket.write(p);
  if (!ok && child && !blocking.has(c)) {
    blocking.add(c);
    setReading();
    c.socket.once('drain', () => unblock(c));
  }
}

function unblock(c: Client): void {
  if (blocking.delete(c)) setReading();
}

// Output read in one turn of the event loop (libuv reads what is ready, 64 KiB at a time) goes on
// as one chunk per run of the same stream.
const turn: { stream: 'stdout' | 'stderr'; parts: Buffer[]; bytes: number }[] = [];
let turnScheduled = false;

function received(stream: 'stdout' | 'stderr', data: Buffer): void {
  const last = turn[turn.length - 1];
  if (last?.stream === stream) { last.parts.push(data); last.bytes += data.length; }
  else turn.push({ stream, parts: [data], bytes: data.length });
  if (!turnScheduled) { turnScheduled = true; setImmediate(deliverTurn); }
}

function deliverTurn(): void {
  turnScheduled = false;
  let bytes = 0;
  for (const t of turn.splice(0)) {
    bytes += t.bytes;
    output(t.stream, t.parts.length === 1 ? t.parts[0] : Buffer.concat(t.parts, t.bytes));
  }
  if (paceOutput && bytes >= PACE_FROM && !pacing) {
    pacing = true;
    setReading();
    setTimeout(() => { pacing = false; setReading(); }, PACE_MS);
  }
}

function output(stream: 'stdout' | 'stderr', data: Buffer): void {
  // Output waits for the container to start and for the clients the daemon is handing over.
  if (!started || directPending > 0) { early.push({ stream, data }); return; }
  log?.write(stream, data);
  const head = frameHeader(stream === 'stdout' ? FrameType.Stdout : FrameType.Stderr, data.length);
  let dockerHead: Buffer | undefined;
  for (const c of clients) {
    if (!(stream === 'stdout' ? c.stdout : c.stderr)) continue;
    if (!c.docker) send(c, head, data);
    else if (c.docker.tty) send(c, data);
    else send(c, (dockerHead ??= dockerFrameHeader(stream, data.length)), data);
  }
}

/** Docker's multiplexed stream header: [stream, 0, 0, 0, length u32 BE]. */
function dockerFrameHeader(stream: 'stdout' | 'stderr', length: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream === 'stdout' ? 1 : 2;
  h.writeUInt32BE(length, 4);
  return h;
}

/** Control frames go to the daemon's connections only. */
function sendControl(c: Client, frame: Buffer): void {
  if (!c.docker) send(c, frame);
}

// Docker CLI connections the daemon announced in the job (attached before the start) and sends over
// the IPC channel; output is held until they are all here, so they miss nothing.
let directPending = 0;
const HANDOVER_WAIT_MS = 2000;

type DirectAttach = { op: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean; head?: string };
// The IPC channel and the job's socket are separate: a connection may arrive before its job.
const beforeJob: [DirectAttach, Socket][] = [];

function directAttach(msg: DirectAttach, socket: Socket): void {
  if (!job) { beforeJob.push([msg, socket]); return; }
  // Half-open: the CLI closes its write side right away when there is no stdin; output must go on.
  socket.allowHalfOpen = true;
  const client: Client = { socket, stdin: msg.stdin && Boolean(job?.openStdin), stdout: msg.stdout, stderr: msg.stderr, docker: { tty: msg.tty } };
  socket.on('error', () => { clients.delete(client); unblock(client); });
  socket.on('close', () => { clients.delete(client); unblock(client); });
  if (exited) { socket.end(); return; }
  clients.add(client);
  if (msg.head && client.stdin) stdinWrite(Buffer.from(msg.head, 'base64'));
  socket.on('data', (d: Buffer) => { if (client.stdin) stdinWrite(d); });
  socket.on('end', () => { if (client.stdin && job?.stdinOnce) stdinWrite(undefined); });
  directArrived();
}

function directArrived(): void {
  if (directPending === 0) return;
  if (--directPending === 0) handoverDone();
}

/** All announced connections are here (or we stopped waiting): release held output, then a held exit. */
function handoverDone(): void {
  directPending = 0;
  if (started) for (const e of early.splice(0)) output(e.stream, e.data);
  const f = heldFinish;
  heldFinish = undefined;
  f?.();
}

// A container can be done before its clients arrive (`docker run busybox hostname`): the exit waits.
let heldFinish: (() => void) | undefined;

function resize(h: number, w: number): void {
  if (!job?.tty || !child?.pid || !h || !w) return;
  resizePty(child.pid, h, w);
}

function handleClient(socket: Socket): void {
  const client: Client = { socket, stdin: false, stdout: false, stderr: false };
  const dec = new FrameDecoder();
  socket.on('error', () => { clients.delete(client); unblock(client); });
  // The sockets are half-open: a peer that goes (the daemon killed) only sends FIN. Finish the close,
  // and a spare that loses its daemon before getting a job has nothing left to do.
  socket.on('end', () => { if (!job) process.exit(0); socket.end(); });
  socket.on('close', () => {
    clients.delete(client);
    unblock(client);
    // A spare whose daemon hung up before handing it a job has nothing to do.
    if (!job) process.exit(0);
  });
  socket.on('data', (chunk) => dec.push(chunk, (type, payload) => {
    if (type === FrameType.Control) {
      const msg = JSON.parse(payload.toString()) as ControlMessage;
      if (msg.op === 'run' && !job) runJob(msg.job, client);
      else if (msg.op === 'attach') attach(client, msg);
      else if (msg.op === 'resize') resize(msg.h, msg.w);
      else if (msg.op === 'output') { client.stdout = msg.stdout; client.stderr = msg.stderr; }
    } else if (type === FrameType.Stdin && client.stdin) {
      stdinWrite(payload);
    } else if (type === FrameType.StdinEof && client.stdin && job?.stdinOnce) {
      stdinWrite(undefined);
    }
  }));
}

function attach(client: Client, msg: { stdin: boolean; stdout: boolean; stderr: boolean }): void {
  Object.assign(client, { stdin: msg.stdin && Boolean(job?.openStdin), stdout: msg.stdout, stderr: msg.stderr });
  if (exited) {
    client.socket.end(encodeControl({ op: 'exit', record: exited }));
    return;
  }
  clients.add(client);
  // From here on the client gets all output: tell it, so it knows nothing after this is missed.
  client.socket.write(encodeControl({ op: 'attached' }));
  if (started && child?.pid) client.socket.write(encodeControl({ op: 'started', pid: containerPid(), startedAt }));
}

let pidCache = 0;
function containerPid(): number {
  if (!pidCache && job) {
    try { pidCache = Number(readFileSync(join(job.containerDir, 'container.pid'), 'utf8')); } catch { /* not yet */ }
  }
  return pidCache;
}

let server: Server | undefined;

function runJob(j: MonitorJob, first: Client): void {
  job = j;
  directPending += j.directAttaches ?? 0;
  first.stdout = j.relay?.stdout ?? true; first.stderr = j.relay?.stderr ?? true; first.stdin = j.openStdin;
  clients.add(first);
  const pidFile = join(j.containerDir, 'container.pid');
  try { unlinkSync(pidFile); } catch { /* fresh */ }
  const watcher = watch(j.containerDir, (_ev, name) => {
    if (name === 'container.pid' && !started && containerPid()) markStarted();
  });
  // --keep leaves the cgroup for the OOM counter; crun has no --keep (its foreground runs, with a TTY,
  // lose the OOM flag; detached ones keep it, as crun leaves a stopped container until deleted).
  const runcArgs = ['run', ...(basename(j.runtime) === 'crun' ? [] : ['--keep']), '--bundle', j.bundleDir, '--pid-file', pidFile, j.id];
  // A reaper that died while the spare waited (it should not) is replaced by the foreground path.
  const detached = j.tty || reaper?.child.exitCode !== null || reaper?.child.signalCode !== null ? undefined : reaper;
  if (!detached && reaper) {
    reaper.child.kill();
    reaper.output.stdout.destroy();
    reaper.output.stderr.destroy();
  }
  if (j.tty) {
    const [cmd, ...args] = underPty([j.runtime, ...runcArgs], j.consoleSize);
    child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, SHELL: '/bin/sh' } });
  } else if (detached) {
    // The container writes into these pipes itself; see reaper.ts.
    child = detached.child;
    out = detached.output;
    paceOutput = true;
    detached.run(j.runtime, j.bundleDir, pidFile, j.id);
  } else {
    child = spawn(j.runtime, runcArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  }
  if (!j.openStdin && !j.tty) child.stdin?.end();
  child.stdin?.on('error', () => { /* container closed its stdin */ });
  // Connections that came before the job may carry stdin (and its end) already: only now is there a child to take it.
  for (const [msg, socket] of beforeJob.splice(0)) directAttach(msg, socket);
  // runc is on its way: the rest of the set-up overlaps its start (no output is read before we return).
  log = new LogWriter(j.log.path, j.log.maxSize, j.log.maxFile);
  const sock = join(j.containerDir, 'monitor.sock');
  try { unlinkSync(sock); } catch { /* fresh */ }
  server?.close();
  server = createServer({ allowHalfOpen: true }, handleClient);
  withSocketPath(sock, (p) => server!.listen(p));
  try { writeFileSync(join(j.containerDir, 'monitor.pid'), String(process.pid)); } catch (err) {
    process.stderr.write(`berth-monitor: cannot write monitor.pid: ${(err as Error).message}\n`);
  }
  if (!detached) out = { stdout: child.stdout ?? undefined, stderr: child.stderr ?? undefined };
  out.stdout?.on('data', (d: Buffer) => received('stdout', d));
  out.stderr?.on('data', (d: Buffer) => received('stderr', d));
  child.on('error', (err) => finish(127, err.message));
  const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
    watcher.close();
    if (!started && containerPid()) markStarted();
    finish(code ?? 128 + (signal ? 9 : 0));
  };
  if (!detached) child.on('close', ended);
  else {
    // The subreaper's exit, and the end of what the container wrote into the pipes.
    let left = 3;
    let status: [number | null, NodeJS.Signals | null] = [null, null];
    const one = (): void => { if (--left === 0) ended(...status); };
    child.once('exit', (code, signal) => { status = [code, signal]; one(); });
    detached.output.stdout.once('close', one);
    detached.output.stderr.once('close', one);
  }
}

// With a TTY, stdin waits until the container runs: until then script's own pty still echoes.
const heldStdin: (Buffer | undefined)[] = [];
function stdinWrite(data: Buffer | undefined): void {
  if (job?.tty && !started) { heldStdin.push(data); return; }
  if (data) child?.stdin?.write(data);
  else child?.stdin?.end();
}

function markStarted(): void {
  started = true;
  oom = watchOomKills(job!.memoryCgroup);
  for (const d of heldStdin.splice(0)) stdinWrite(d);
  pidCache = 0;
  startedAt = new Date().toISOString();
  const msg = encodeControl({ op: 'started', pid: containerPid(), startedAt });
  for (const c of clients) sendControl(c, msg);
  if (directPending > 0) {
    // The hand-over normally takes a millisecond; never hold output for long on its account.
    setTimeout(() => { if (directPending > 0) handoverDone(); }, HANDOVER_WAIT_MS);
    return;
  }
  for (const e of early.splice(0)) output(e.stream, e.data);
}

function oomKilled(): boolean {
  return oom?.killed() ?? false;
}

function finish(exitCode: number, spawnError?: string): void {
  if (exited || !job) return;
  if (turn.length) deliverTurn();
  if (directPending > 0) {
    heldFinish ??= () => finish(exitCode, spawnError);
    setTimeout(() => { if (directPending > 0) handoverDone(); }, HANDOVER_WAIT_MS);
    return;
  }
  const j = job;
  let error: string | undefined = spawnError;
  if (!started) {
    // runc failed before the process ran: what it printed is the error, not container output.
    error ??= runtimeError(Buffer.concat(early.map((e) => e.data)).toString()) || `the OCI runtime exited with code ${exitCode}`;
    early.length = 0;
  }
  const record: ExitRecord = { exitCode, oomKilled: started ? oomKilled() : false, finishedAt: new Date().toISOString(), startedAt: startedAt || undefined, error };
  exited = record;
  server?.close();
  try { unlinkSync(join(j.containerDir, 'monitor.sock')); } catch { /* gone */ }
  // The exit is announced only once all output is on file: `docker logs` right after `docker wait` sees it all.
  void (log?.close() ?? Promise.resolve()).then(() => announceExit(j, record));
}

function announceExit(j: MonitorJob, record: ExitRecord): void {
  // A root the daemon mounted (fuse-overlayfs) goes before the exit is known: a restart mounts it again.
  if (j.unmountAtExit) {
    const r = spawnSync('umount', ['-l', j.unmountAtExit], { encoding: 'utf8' });
    if (r.status !== 0) process.stderr.write(`berth-monitor: cannot unmount ${j.unmountAtExit}: ${(r.stderr || r.error?.message || '').trim()}\n`);
  }
  // --keep left the state and cgroup so the OOM counter could be read. Release them *before* telling
  // anyone: a restart right after the exit reuses the container ID, and a late delete would kill it.
  try {
    writeExitRecord(j.containerDir, record);
  } catch (err) {
    // The daemon still learns the exit over the socket below, if it is up.
    process.stderr.write(`berth-monitor: cannot record the exit of ${j.id.slice(0, 12)} (code ${record.exitCode}): ${(err as Error).message}\n`);
  }
  const done = (): void => {
    const frame = encodeControl({ op: 'exit', record });
    let open = clients.size;
    if (!open) process.exit(0);
    for (const c of clients) {
      const closed = (): void => { if (--open === 0) process.exit(0); };
      // The daemon's connections get the exit record; a docker CLI's attach just ends (as with dockerd).
      if (c.docker) c.socket.end(closed);
      else c.socket.end(frame, closed);
    }
    // A client that never reads must not keep the monitor alive.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  if (releaseRuncState(j)) { done(); return; }
  const del = spawn(j.runtime, ['delete', '--force', j.id], { stdio: 'ignore' });
  del.on('close', done);
  del.on('error', done);
}

/**
 * What `runc delete` does for a stopped container, without the ~20 ms of starting runc: remove its
 * cgroup in every hierarchy and its state folder. False (so runc delete runs) when anything is left.
 */
function releaseRuncState(j: MonitorJob): boolean {
  if (basename(j.runtime) !== 'runc' || !j.cgroupsPath) return false;
  try {
    for (const hierarchy of readdirSync('/sys/fs/cgroup')) {
      try { rmdirSync(join('/sys/fs/cgroup', hierarchy, j.cgroupsPath)); } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      }
    }
    rmSync(join('/run/runc', j.id), { recursive: true, force: true });
    return true;
  } catch {
    return false;
  }
}


function main(): void {
  const i = process.argv.indexOf('--spare');
  if (i < 0 || !process.argv[i + 1]) {
    process.stderr.write('usage: berth-monitor --spare SOCKET\n(started by berthd; not meant to be run by hand)\n');
    process.exit(2);
  }
  const spareSock = process.argv[i + 1];
  let claimed = false;
  // The daemon holds our stdin until it has connected: if it dies before that, nobody ever will.
  // (Its connection may be queued behind the EOF: give it a moment to be accepted.)
  const orphaned = (): void => { setTimeout(() => { if (!claimed) process.exit(0); }, 1000); };
  process.stdin.on('end', orphaned);
  process.stdin.on('error', orphaned);
  process.stdin.resume();
  server = createServer({ allowHalfOpen: true }, (s) => {
    // A spare serves exactly one job; later connections belong to the container socket.
    claimed = true;
    process.stdin.destroy();
    server?.close();
    try { unlinkSync(spareSock); } catch { /* gone */ }
    handleClient(s);
  });
  // The subreaper for the container is started while the spare waits (off the start path); the
  // spare is ready once it is (a job comes only after that).
  const reaperReady = prepareReaper().then((r) => { reaper = r; });
  withSocketPath(spareSock, (p) => server!.listen(p, () => {
    void reaperReady.then(() => process.stdout.write('ready\n'));
  }));
  // Docker CLI connections handed over by the daemon (attach before start); see directAttach.
  process.on('message', (msg: DirectAttach, handle: unknown) => {
    if (msg?.op === 'docker-attach' && handle instanceof Socket) {
      // Half-open at once (the CLI may have closed its write side already): its EOF must not end
      // our side before the connection is set up, which waits for the job when it comes first.
      handle.allowHalfOpen = true;
      directAttach(msg, handle);
    }
  });
  // The daemon's IPC channel closes when it exits; we stay with the container.
  process.on('disconnect', () => undefined);
  process.channel?.unref();
  process.on('SIGPIPE', () => { /* the daemon went away; keep running */ });
  // A full disk must not end the monitor: it would take the container's exit code with it.
  process.on('uncaughtException', (err) => {
    const code = (err as NodeJS.ErrnoException).code;
    process.stderr.write(`berth-monitor: ${err.stack ?? err.message}\n`);
    if (code !== 'ENOSPC' && code !== 'EDQUOT') process.exit(70);
  });
  process.on('SIGHUP', () => { /* detached from the daemon's session */ });
}

main();
