// How a container's OCI spec differs when the daemon runs rootless (inside its user namespace):
// cgroup limits are left out because a user has no cgroup tree of its own on a cgroup v1 host (runc
// would refuse the container); the create response says so in its Warnings. (The root overlay's
// `userxattr` is the snapshotter's part: runtime/snapshots/.)
import { InvalidError } from '../errdefs.js';
import type { HostConfig } from '../containers/api-types.js';
import type { OciSpec } from '../tasks/oci-spec.js';
import type { RootlessMode } from './mode.js';

/** `limits`: whether this daemon has a delegated cgroup tree for containers (cgroups/select.ts's cgroupLimitsApply). */
export function rootlessSpec(spec: OciSpec, mode: RootlessMode, limits: boolean): OciSpec {
  if (!limits) {
    const devices = spec.linux.resources.devices;
    spec.linux.resources = devices ? { devices } : {};
    // runc only tolerates a cgroup it cannot create when the spec names none.
    spec.linux.cgroupsPath = '';
  }
  if (mode.singleId) {
    const u = spec.process.user;
    if (u.uid !== 0 || u.gid !== 0) {
      throw new InvalidError(`the container's user is uid ${u.uid} gid ${u.gid}, but this rootless daemon maps only uid 0 `
        + '(no subordinate ids in /etc/subuid and /etc/subgid): run as --user 0, or add ids with `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 $USER` and restart berthd');
    }
    u.additionalGids = [];
    for (const m of spec.mounts) if (m.type === 'devpts') m.options = m.options.filter((o) => o !== 'gid=5');
  }
  return spec;
}

const LIMITS: [keyof HostConfig, string][] = [
  ['Memory', 'memory limit'], ['MemoryReservation', 'memory reservation'], ['MemorySwap', 'memory+swap limit'],
  ['NanoCpus', 'CPU limit (--cpus)'], ['CpuShares', 'CPU shares'], ['CpuQuota', 'CPU quota'], ['CpuPeriod', 'CPU period'],
  ['CpusetCpus', 'CPU set'], ['PidsLimit', 'pids limit'],
];

/** One warning per limit in `hc` that a rootless daemon cannot apply. */
export function rootlessLimitWarnings(hc: HostConfig | undefined, limits: boolean): string[] {
  if (!hc || limits) return [];
  const out: string[] = [];
  for (const [field, label] of LIMITS) {
    const v = hc[field];
    if (v === undefined || v === null || v === 0 || v === '' || (field === 'PidsLimit' && typeof v === 'number' && v < 0)) continue;
    out.push(`${label} discarded: this rootless daemon has no cgroup tree delegated to the user, so the container runs without it`);
  }
  return out;
}
