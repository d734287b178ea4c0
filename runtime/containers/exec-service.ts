// `docker exec`: a process started in a running container with `runc exec --process`. The daemon owns
// its stdio (an exec does not outlive the daemon, as with Docker's live-restore off).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asDiskFull, ConflictError, InvalidError, NotFoundError } from '../errdefs.js';
import type { OciRuntime } from '../oci/oci-runtime.js';
import { resolveUser } from '../tasks/user-resolve.js';
import { isRuntimeErrorLine, runtimeError as runtimeErrorMessage } from '../tasks/runtime-error.js';
import { resizePty, underPty } from '../tasks/pty.js';
import type { ProbeResult } from './health.js';
import type { ContainerService, Publish } from './container-service.js';
import { isRunning, type ContainerRecord } from './record.js';

export interface ExecConfig { User?: string; Privileged?: boolean; Tty?: boolean; AttachStdin?: boolean; AttachStdout?: boolean; AttachStderr?: boolean; Detach?: boolean; Env?: string[] | null; WorkingDir?: string; Cmd?: string[] }

export interface ExecRecord { ID: string; ContainerID: string; Config: ExecConfig; Running: boolean; ExitCode: number | null; Pid: number; child?: ChildProcess }

export interface ExecIo { onData: (stream: 'stdout' | 'stderr', d: Buffer) => void; onEnd: () => void }

export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly containers: ContainerService, private readonly runtime: OciRuntime, private readonly publish: Publish) {}

  create(containerIdOrName: string, cfg: ExecConfig): { Id: string } {
    const r = this.containers.get(containerIdOrName);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    if (r.State.Status === 'paused') throw new ConflictError(`Container ${r.Id} is paused, unpause the container before exec`);
    if (!cfg.Cmd?.length) throw new InvalidError('No exec command specified');
    const id = randomBytes(32).toString('hex');
    this.execs.set(id, { ID: id, ContainerID: r.Id, Config: cfg, Running: false, ExitCode: null, Pid: 0 });
    this.publish(`exec_create: ${cfg.Cmd.join(' ')}`, r.Id, { execID: id });
    return { Id: id };
  }

  get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new NotFoundError(`No such exec instance: ${id}`);
    return e;
  }

  inspect(id: string): Record<string, unknown> {
    const e = this.get(id);
    const [entrypoint, ...args] = e.Config.Cmd ?? [];
    return {
      ID: e.ID, Running: e.Running, ExitCode: e.ExitCode, ProcessConfig: { tty: Boolean(e.Config.Tty), entrypoint, arguments: args, privileged: Boolean(e.Config.Privileged), user: e.Config.User ?? '' },
      OpenStdin: Boolean(e.Config.AttachStdin), OpenStderr: Boolean(e.Config.AttachStderr), OpenStdout: Boolean(e.Config.AttachStdout), CanRemove: false,
      ContainerID: e.ContainerID, DetachKeys: '', Pid: e.Pid,
    };
  }

  /** The OCI process for `cfg`: the container's process with the exec's command, env, cwd, user, tty. */
  private async processFor(r: ContainerRecord, cfg: ExecConfig): Promise<Record<string, unknown>> {
    const p = this.containers.paths(r.Id);
    const spec = JSON.parse(await readFile(join(p.bundle, 'config.json'), 'utf8')) as { process: Record<string, unknown> & { env: string[]; user: unknown; cwd: string } };
    const proc: Record<string, unknown> & { env: string[] } = { ...spec.process };
    proc.args = cfg.Cmd;
    proc.terminal = Boolean(cfg.Tty);
    proc.env = [...spec.process.env, ...(cfg.Env ?? [])];
    if (cfg.Tty && !proc.env.some((v) => v.startsWith('TERM='))) proc.env.push('TERM=xterm');
    if (cfg.WorkingDir) proc.cwd = cfg.WorkingDir;
    if (cfg.User) proc.user = await resolveUser(cfg.User, this.containers.rootDirs(r));
    delete proc.consoleSize;
    return proc;
  }

  /** Spawns `runc exec` for a process file; with a TTY through script(1), which gives runc a pty. */
  private spawnExec(r: ContainerRecord, key: string, proc: Record<string, unknown>, tty: boolean): Promise<{ child: ChildProcess; cleanup: () => Promise<void> }> {
    const p = this.containers.paths(r.Id);
    const procFile = join(p.dir, `exec-${key}.json`);
    const pidFile = join(p.dir, `exec-${key}.pid`);
    return writeFile(procFile, JSON.stringify(proc)).then(() => {
      const [bin, ...args] = this.runtime.execArgs(r.Id, procFile, pidFile);
      const [cmd, ...cmdArgs] = tty ? underPty([bin, ...args]) : [bin, ...args];
      const child = spawn(cmd, cmdArgs, { stdio: 'pipe', env: tty ? { ...process.env, SHELL: '/bin/sh' } : process.env });
      const cleanup = async () => { await rm(procFile, { force: true }); await rm(pidFile, { force: true }); };
      return { child, cleanup };
    });
  }

  /** Starts the exec; resolves once the process is spawned. `io` gets output and the end. */
  async start(id: string, io: ExecIo): Promise<{ write: (b: Buffer) => void; end: () => void }> {
    const e = this.get(id);
    if (e.Running || e.ExitCode !== null) throw new ConflictError(`exec ${id} has already been started`);
    const r = this.containers.get(e.ContainerID);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    let spawned: { child: ChildProcess; cleanup: () => Promise<void> };
    try {
      spawned = await this.spawnExec(r, id.slice(0, 12), await this.processFor(r, e.Config), Boolean(e.Config.Tty));
    } catch (err) {
      // Never started (its process file could not be written, say): the CLI reads 126, as for runc's failures.
      e.ExitCode = 126;
      throw asDiskFull(err, 'starting an exec process');
    }
    const { child, cleanup } = spawned;
    e.child = child;
    e.Running = true;
    e.Pid = child.pid ?? 0;
    this.publish(`exec_start: ${(e.Config.Cmd ?? []).join(' ')}`, r.Id, { execID: id });
    if (!e.Config.AttachStdin && !e.Config.Tty) child.stdin!.end();
    child.stdin!.on('error', () => undefined);
    let runtimeError = '';
    child.stdout!.on('data', (d: Buffer) => io.onData('stdout', d));
    child.stderr!.on('data', (d: Buffer) => {
      const text = d.toString();
      if (isRuntimeErrorLine(text)) runtimeError = runtimeErrorMessage(text);
      else io.onData('stderr', d);
    });
    child.on('close', (code) => {
      e.Running = false;
      // runc's "exec failed" (no such command) is 126/127 for the user, as with Docker.
      e.ExitCode = runtimeError ? (/not found|no such file/.test(runtimeError) ? 127 : 126) : code ?? 137;
      if (runtimeError) io.onData('stderr', Buffer.from(`OCI runtime exec failed: ${runtimeError}: unknown\n`));
      void cleanup();
      this.publish('exec_die', r.Id, { execID: id, exitCode: String(e.ExitCode) });
      io.onEnd();
    });
    child.on('error', () => { e.Running = false; e.ExitCode = 126; io.onEnd(); });
    return { write: (b) => child.stdin!.write(b), end: () => child.stdin!.end() };
  }

  /** A health probe: runs `cmd`, captures up to 4 KiB of output, kills it after `timeoutMs`. */
  async probe(containerId: string, cmd: string[], timeoutMs: number): Promise<ProbeResult> {
    const r = this.containers.get(containerId);
    if (!isRunning(r)) return { exitCode: -1, output: 'container is not running' };
    const proc = await this.processFor(r, { Cmd: cmd });
    const key = `probe-${randomBytes(6).toString('hex')}`;
    const { child, cleanup } = await this.spawnExec(r, key, proc, false);
    child.stdin!.end();
    let output = '';
    const take = (d: Buffer) => { if (output.length < 4096) output += d.toString(); };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // Kill what the probe started inside the container, not only the runc exec on the host.
      void readFile(join(this.containers.paths(r.Id).dir, `exec-${key}.pid`), 'utf8').then((pid) => process.kill(Number(pid), 'SIGKILL')).catch(() => undefined);
      child.kill('SIGKILL');
    }, timeoutMs);
    const code = await new Promise<number>((resolve) => { child.on('close', (c) => resolve(c ?? -1)); child.on('error', () => resolve(-1)); });
    clearTimeout(timer);
    await cleanup();
    if (timedOut) return { exitCode: -1, output: `Health check exceeded timeout (${Math.round(timeoutMs / 1000)}s)` };
    return { exitCode: code, output: isRuntimeErrorLine(output) ? runtimeErrorMessage(output) : output };
  }

  /** Resizes the pty script(1) gave runc for a TTY exec (runc hands that pty to the process). */
  resize(id: string, h: number, w: number): void {
    const e = this.get(id);
    if (!e.Config.Tty || !e.child?.pid || !h || !w) return;
    resizePty(e.child.pid, h, w);
  }
}
