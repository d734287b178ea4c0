// The OCI runtime binary (runc, or crun where it works) and the few commands the daemon runs
// directly; `run` itself belongs to the monitor.
import { execFile, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ConflictError, InvalidError, SystemError } from '../errdefs.js';
import { pidsInNamespaceOf } from '../rootless/namespace-pids.js';
import type { OciResources } from './resources.js';

export interface RuntimeState { id: string; pid: number; status: 'creating' | 'created' | 'running' | 'paused' | 'stopped' }

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Why crun cannot create a container here, or undefined when it can. crun 1.8 refuses hybrid cgroup v1/v2 hosts. */
export function crunProblem(crun: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'berth-crun-probe-'));
  const id = `berth-probe-${process.pid}-${Date.now()}`;
  try {
    // crun checks at create that the rootfs has /dev and the command exists (runc only at start).
    mkdirSync(join(dir, 'rootfs', 'dev'), { recursive: true });
    writeFileSync(join(dir, 'rootfs', 'x'), '', { mode: 0o755 });
    const spec = { ociVersion: '1.0.2', process: { args: ['/x'], cwd: '/', user: { uid: 0, gid: 0 } }, root: { path: 'rootfs' }, mounts: [], linux: { namespaces: [{ type: 'mount' }] } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
    // The created container's init keeps the stdio it inherits: a pipe would hold spawnSync until the
    // timeout, so what crun says goes to a file.
    const errFile = join(dir, 'stderr');
    const err = openSync(errFile, 'w');
    let r;
    try {
      r = spawnSync(crun, ['create', '--bundle', dir, id], { stdio: ['ignore', 'ignore', err], timeout: 5000 });
    } finally {
      closeSync(err);
    }
    if (r.error) return r.error.message;
    return r.status === 0 ? undefined : (readFileSync(errFile, 'utf8') || `exit code ${r.status}`).trim();
  } finally {
    spawnSync(crun, ['delete', '--force', id], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when crun can create a container here. */
export function crunWorks(crun: string): boolean {
  return crunProblem(crun) === undefined;
}

/**
 * crun 1.8 refuses a hybrid host (cgroup v1 controllers, and a cgroup2 mount at
 * /sys/fs/cgroup/unified with a controller of its own). Run in a private mount namespace without that
 * mount, it sees plain cgroup v1 and works: this wrapper does that (as root). It keeps the name crun.
 */
export function hybridCrunWrapper(crun: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const wrapper = join(dir, 'crun');
  const quoted = `'${crun.replace(/'/g, `'\\''`)}'`;
  writeFileSync(wrapper, `#!/bin/sh\nexec unshare --mount sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0" "$@"' ${quoted} "$@"\n`, { mode: 0o755 });
  return wrapper;
}

/** Whether `binary` is crun (or its wrapper): it cannot mount the root overlay itself and has no `run --keep`. */
export function isCrun(binary: string): boolean {
  return basename(binary) === 'crun';
}

/** crun when it works here, directly or (hybrid host, as root) through the wrapper; else its reason. */
function usableCrun(crun: string, wrapperDir: string | undefined, log: (line: string) => void): { path: string } | { problem: string } {
  const problem = crunProblem(crun);
  if (!problem) return { path: crun };
  if (!/hybrid/.test(problem) || !wrapperDir || process.getuid?.() !== 0) return { problem };
  const wrapper = hybridCrunWrapper(crun, wrapperDir);
  const still = crunProblem(wrapper);
  if (still) return { problem: `${problem}; in a mount namespace without /sys/fs/cgroup/unified: ${still}` };
  log(`${crun} refuses this host's hybrid cgroups; it runs in a mount namespace without the cgroup2 mount (${wrapper})`);
  return { path: wrapper };
}

/**
 * Picks the OCI runtime. runc by default (the monitor relies on `runc run --keep`); crun when runc is
 * missing and crun works. An explicit crun that cannot run containers on this host falls back to
 * runc with a log line saying why, or fails with that reason when there is no runc.
 */
export function selectRuntime(explicit: string | undefined, log: (line: string) => void = () => undefined, wrapperDir?: string): string {
  const runc = which('runc');
  if (explicit) {
    const path = explicit.includes('/') ? explicit : which(explicit);
    if (!path || !existsSync(path)) throw new SystemError(`--oci-runtime ${explicit}: no such executable`);
    if (isCrun(path)) {
      const crun = usableCrun(path, wrapperDir, log);
      if ('path' in crun) return crun.path;
      if (!runc) throw new SystemError(`--oci-runtime ${path} cannot run containers here (${crun.problem}) and runc is not installed: apt-get install runc`);
      log(`--oci-runtime ${path} cannot run containers here (${crun.problem}); using ${runc} instead`);
      return runc;
    }
    return path;
  }
  if (runc) return runc;
  const found = which('crun');
  if (found) {
    const crun = usableCrun(found, wrapperDir, log);
    if ('path' in crun) return crun.path;
    throw new SystemError(`runc is not installed and ${found} cannot run containers here (${crun.problem}): apt-get install runc`);
  }
  throw new SystemError('no OCI runtime found: install runc (apt-get install runc)');
}

function noFreezer(): InvalidError {
  return new InvalidError('pause and unpause need the container\'s cgroup (the freezer), and a rootless daemon has no cgroup tree on this host');
}

export class OciRuntime {
  /**
   * `hasCgroup` false (a rootless daemon): runc finds "all" processes through the container's cgroup,
   * so `kill --all` is left out (SIGKILL of pid 1 ends the pid namespace anyway) and `pids` lists the
   * init's pid namespace instead of `runc ps`.
   */
  constructor(readonly binary: string, private readonly hasCgroup = true) {}

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
      return JSON.parse(await this.run(['state', id])) as RuntimeState;
    } catch {
      return undefined;
    }
  }

  async kill(id: string, signal: string, all = false): Promise<void> {
    try {
      await this.run(['kill', ...(all && this.hasCgroup ? ['--all'] : []), id, signal]);
    } catch (err) {
      if (/not running|container does not exist|process already finished/.test((err as Error).message)) {
        throw new ConflictError(`Container ${id} is not running`);
      }
      throw err;
    }
  }

  /** Removes the runtime's state and cgroup of a container whose processes are gone (or are killed first). */
  async forceDelete(id: string): Promise<void> {
    await this.run(['delete', '--force', id]);
  }

  pause(id: string): Promise<string> { return this.hasCgroup ? this.run(['pause', id]) : Promise.reject(noFreezer()); }
  resume(id: string): Promise<string> { return this.hasCgroup ? this.run(['resume', id]) : Promise.reject(noFreezer()); }

  /** New cgroup limits for a running container (`runc update -r FILE`; `file` is written first). */
  async update(id: string, resources: OciResources, file: string): Promise<void> {
    await writeFile(file, JSON.stringify(resources));
    try {
      await this.run(['update', '--resources', file, id]);
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
    return JSON.parse(await this.run(['ps', '--format', 'json', id])) as number[];
  }

  /** argv for `runc exec` with a process.json; the caller spawns it and owns its stdio. */
  execArgs(id: string, processFile: string, pidFile: string): string[] {
    return [this.binary, 'exec', '--process', processFile, '--pid-file', pidFile, id];
  }
}
