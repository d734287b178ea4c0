// Which OCI runtime the daemon uses: runc by default, crun where it works (through a wrapper on a
// hybrid cgroup host, which crun 1.8 refuses), with the reason in the log when it falls back.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemError } from '../errdefs.js';
import { RuntimeCommands } from './command-lines.js';
import { runtimeKind } from './runtime-kind.js';

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
  const commands = new RuntimeCommands(crun);
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
      r = spawnSync(crun, commands.create(id, dir), { stdio: ['ignore', 'ignore', err], timeout: 5000 });
    } finally {
      closeSync(err);
    }
    if (r.error) return r.error.message;
    return r.status === 0 ? undefined : (readFileSync(errFile, 'utf8') || `exit code ${r.status}`).trim();
  } finally {
    spawnSync(crun, commands.delete(id), { stdio: 'ignore' });
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
    if (runtimeKind(path) === 'crun') {
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
