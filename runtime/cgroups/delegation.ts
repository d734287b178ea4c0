// Limits for a rootless daemon: on a cgroup v2 host where systemd delegates a subtree to the user
// (user@UID.service and what runs under it with Delegate=yes), the daemon's own cgroup is the
// user's to divide. The no-internal-processes rule says a cgroup that hands controllers to children
// holds no processes itself, so the daemon first moves every process of its cgroup (itself, the
// launcher, slirp4netns) into a leaf beside the containers, then enables the delegated controllers
// for the children; runc puts each container in a child folder and writes its limits there.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CGROUP_ROOT } from './driver.js';

/** The controllers a container's limits need: memory (-m), cpu (--cpus, --cpu-shares), pids (--pids-limit). */
export const NEEDED_CONTROLLERS = ['memory', 'cpu', 'pids'] as const;
/** Where the daemon and its launcher's processes go, so their old cgroup can hold the containers. */
export const DAEMON_LEAF = 'berthd';

export type DelegationCheck = { ok: true; base: string; controllers: string[] } | { ok: false; why: string };

/** The cgroup v2 path of this process ("0::/user.slice/..."), relative to the root; undefined on v1-only hosts. */
export function ownCgroup(procSelfCgroup: string): string | undefined {
  const line = procSelfCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line === undefined ? undefined : line.slice(3).replace(/^\/+/, '');
}

function read(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

function writable(path: string): boolean {
  try { accessSync(path, constants.W_OK); return true; } catch { return false; }
}

/**
 * Whether the cgroup this process runs in is delegated to it with memory, cpu and pids, and which
 * folder (relative to the v2 root) then holds the containers. A daemon restarted in the leaf of a
 * previous one takes the leaf's parent again.
 */
export function checkDelegation(root = CGROUP_ROOT, procSelfCgroup = read('/proc/self/cgroup') ?? ''): DelegationCheck {
  if (!existsSync(join(root, 'cgroup.controllers'))) return { ok: false, why: 'this host has cgroup v1 controllers; delegation to a user needs the unified cgroup v2 hierarchy' };
  const own = ownCgroup(procSelfCgroup);
  if (own === undefined || own === '') return { ok: false, why: 'this process is in the root cgroup, which is not delegated' };
  const base = basename(own) === DAEMON_LEAF ? dirname(own) : own;
  const dir = join(root, base);
  const controllers = (read(join(dir, 'cgroup.controllers')) ?? '').trim().split(/\s+/).filter(Boolean);
  const missing = NEEDED_CONTROLLERS.filter((c) => !controllers.includes(c));
  if (missing.length) {
    return { ok: false, why: `the cgroup ${base} has no ${missing.join(', ')} controller delegated (systemd delegates memory, cpu and pids to user@UID.service on Debian 12 and newer; start berthd under it, e.g. with systemd-run --user --scope)` };
  }
  for (const f of ['cgroup.procs', 'cgroup.subtree_control']) {
    if (!writable(join(dir, f))) return { ok: false, why: `${join(dir, f)} is not writable by this user: the cgroup is not delegated (start berthd under user@UID.service, e.g. with systemd-run --user --scope)` };
  }
  return { ok: true, base, controllers };
}

/**
 * Moves every process of `base` into its leaf and enables the delegated controllers for its
 * children. Throws with the reason when the kernel refuses (a process that cannot be moved).
 */
export function claimDelegation(base: string, controllers: string[], root = CGROUP_ROOT): void {
  const dir = join(root, base);
  const leaf = join(dir, DAEMON_LEAF);
  mkdirSync(leaf, { recursive: true });
  // New processes may fork while we move: repeat until the folder is empty.
  for (let round = 0; round < 20; round++) {
    const pids = (read(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean);
    if (!pids.length) break;
    for (const pid of pids) {
      try { writeFileSync(join(leaf, 'cgroup.procs'), pid); } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw new Error(`cannot move process ${pid} into ${leaf}: ${(err as Error).message}`);
      }
    }
  }
  const wanted = controllers.filter((c) => ['memory', 'cpu', 'pids', 'cpuset', 'io'].includes(c));
  const enabled = (read(join(dir, 'cgroup.subtree_control')) ?? '').trim().split(/\s+/);
  const toEnable = wanted.filter((c) => !enabled.includes(c));
  if (toEnable.length) writeFileSync(join(dir, 'cgroup.subtree_control'), toEnable.map((c) => `+${c}`).join(' '));
}
