// The OCI runtime (runc, or crun where it works) as the daemon drives it: the short commands it runs
// and waits for. The long-running ones (`run` of a container, of a build step, `exec`) are spawned
// by their owners with the command lines of command-lines.ts.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { ConflictError, InvalidError, SystemError } from '../errdefs.js';
import { pidsInNamespaceOf } from '../rootless/namespace-pids.js';
import { RuntimeCommands } from './command-lines.js';
import type { OciResources } from '../tasks/resources.js';

export interface RuntimeState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'paused' | 'stopped' }

/** A container the runtime knows, as `list` gives it. */
export interface RuntimeListEntry { id: string; bundle: string; status: string; pid: number }

function noFreezer(): InvalidError {
  return new InvalidError('pause and unpause need the container\'s cgroup (the freezer), and a rootless daemon has no cgroup tree on this host');
}

export class OciRuntime {
  readonly commands: RuntimeCommands;

  /**
   * `hasCgroup` false (a rootless daemon): no cgroup tree to find a container's processes by, so
   * `kill --all` is left out and `pids` lists the init's pid namespace instead of `ps`.
   */
  constructor(readonly binary: string, private readonly hasCgroup = true) {
    this.commands = new RuntimeCommands(binary, hasCgroup);
  }

  private run(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(this.binary, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new SystemError(`${this.binary} ${args[0]}: ${(stderr || err.message).trim()}`));
        else resolve(stdout);
      });
    });
  }

  async state(id: string): Promise<RuntimeState | undefined> {
    try {
      return JSON.parse(await this.run(this.commands.state(id))) as RuntimeState;
    } catch {
      return undefined;
    }
  }

  /** The containers the runtime knows; [] when it is not installed or knows none. */
  async list(): Promise<RuntimeListEntry[]> {
    try {
      return (JSON.parse((await this.run(this.commands.list())) || '[]') as RuntimeListEntry[] | null) ?? [];
    } catch {
      return [];
    }
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    try {
      await this.run(this.commands.kill(id, signal, all));
    } catch (err) {
      if (/not running|container does not exist|process already finished/.test((err as Error).message)) {
        throw new ConflictError(`Container ${id} is not running`);
      }
      throw err;
    }
  }

  /**
   * `kill` of the container's init alone, without the ~20 ms (and, with several stops at once, the
   * contention) of starting the runtime: the signal goes straight to `pid` when that process is still
   * the container's (its cgroup path names the container, as runc's own check of the init before it
   * signals). Otherwise (no cgroup to tell by, a rootless daemon's, a process already gone, a signal Node
   * does not name) the runtime's `kill`, with its errors.
   */
  async signalInit(id: string, pid: number, signal: string): Promise<void> {
    const sig = /^\d+$/.test(signal) ? Number(signal) : signal;
    if (this.hasCgroup && pid > 1 && (typeof sig === 'number' || sig in constants.signals)) {
      try {
        if ((await readFile(`/proc/${pid}/cgroup`, 'utf8')).includes(id)) {
          process.kill(pid, sig);
          return;
        }
      } catch {
        // Gone meanwhile, or not ours to signal: the runtime decides.
      }
    }
    await this.kill(id, signal);
  }

  /** Removes the runtime's state and cgroup of a container whose processes are gone (or are killed first). */
  async forceDelete(id: string): Promise<void> {
    await this.run(this.commands.delete(id));
  }

  pause(id: string): Promise<string> { return this.hasCgroup ? this.run(this.commands.pause(id)) : Promise.reject(noFreezer()); }
  resume(id: string): Promise<string> { return this.hasCgroup ? this.run(this.commands.resume(id)) : Promise.reject(noFreezer()); }

  /** New cgroup limits for a running container (`update -r FILE`; `file` is written first). */
  async update(id: string, resources: OciResources, file: string): Promise<void> {
    await writeFile(file, JSON.stringify(resources));
    try {
      await this.run(this.commands.update(id, file));
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Host pids of every process in the container. */
  async pids(id: string): Promise<number[]> {
    if (!this.hasCgroup) {
      const s = await this.state(id);
      if (!s || !s.pid) throw new ConflictError(`Container ${id} is not running`);
      return pidsInNamespaceOf(s.pid);
    }
    return JSON.parse(await this.run(this.commands.ps(id))) as number[];
  }

  /** argv for `exec` with a process.json; the caller spawns it and owns its stdio. */
  execArgs(id: string, processFile: string, pidFile: string): string[] {
    return [this.binary, ...this.commands.exec(id, processFile, pidFile)];
  }
}
