// `docker exec`: a process started in a running container with `runc exec --process`. The daemon owns
// its stdio (an exec does not outlive the daemon, as with Docker's live-restore off).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InvalidError, NotFoundError } from '../errdefs.js';
import type { OciRuntime } from '../tasks/oci-runtime.js';
import { resolveUser } from '../tasks/user-resolve.js';
import type { ContainerService, Publish } from './container-service.js';
import { isRunning } from './record.js';

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

  /** Starts the exec; resolves once the process is spawned. `io` gets output and the end. */
  async start(id: string, io: ExecIo): Promise<{ write: (b: Buffer) => void; end: () => void }> {
    const e = this.get(id);
    if (e.Running || e.ExitCode !== null) throw new ConflictError(`exec ${id} has already been started`);
    const r = this.containers.get(e.ContainerID);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    const p = this.containers.paths(r.Id);
    const spec = JSON.parse(await readFile(join(p.bundle, 'config.json'), 'utf8')) as { process: Record<string, unknown> & { env: string[]; user: unknown; cwd: string } };
    const proc = { ...spec.process };
    proc.args = e.Config.Cmd;
    proc.terminal = Boolean(e.Config.Tty);
    proc.env = [...spec.process.env, ...(e.Config.Env ?? [])];
    if (e.Config.Tty && !proc.env.some((v) => v.startsWith('TERM='))) proc.env.push('TERM=xterm');
    if (e.Config.WorkingDir) proc.cwd = e.Config.WorkingDir;
    if (e.Config.User) proc.user = await resolveUser(e.Config.User, [p.upper]);
    delete proc.consoleSize;
    const procFile = join(p.dir, `exec-${id.slice(0, 12)}.json`);
    const pidFile = join(p.dir, `exec-${id.slice(0, 12)}.pid`);
    await writeFile(procFile, JSON.stringify(proc));
    const [bin, ...args] = this.runtime.execArgs(r.Id, procFile, pidFile);
    const child = e.Config.Tty
      ? spawn('script', ['-qefc', [bin, ...args].join(' '), '/dev/null'], { stdio: 'pipe', env: { ...process.env, SHELL: '/bin/sh' } })
      : spawn(bin, args, { stdio: 'pipe' });
    e.child = child;
    e.Running = true;
    e.Pid = child.pid ?? 0;
    this.publish(`exec_start: ${(e.Config.Cmd ?? []).join(' ')}`, r.Id, { execID: id });
    if (!e.Config.AttachStdin && !e.Config.Tty) child.stdin.end();
    child.stdin.on('error', () => undefined);
    child.stdout.on('data', (d: Buffer) => io.onData('stdout', d));
    child.stderr.on('data', (d: Buffer) => io.onData('stderr', d));
    child.on('close', (code) => {
      e.Running = false;
      e.ExitCode = code ?? 137;
      void rm(procFile, { force: true });
      void rm(pidFile, { force: true });
      this.publish('exec_die', r.Id, { execID: id, exitCode: String(e.ExitCode) });
      io.onEnd();
    });
    child.on('error', () => { e.Running = false; e.ExitCode = 126; io.onEnd(); });
    return { write: (b) => child.stdin.write(b), end: () => child.stdin.end() };
  }

  resize(id: string, h: number, w: number): void {
    const e = this.get(id);
    void e; void h; void w; // exec TTYs start at the pty's default size; resize is accepted and ignored
  }
}
