// What the host's cgroups look like: which version is mounted at /sys/fs/cgroup and whether systemd
// runs the machine (and so owns the tree and should be asked for cgroups, as dockerd does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CGROUP_ROOT } from './driver.js';

export interface CgroupHost {
  /** 2 only on a unified host (cgroup2 at /sys/fs/cgroup); hybrid hosts keep their controllers on v1. */
  version: 1 | 2;
  /** systemd is PID 1 (sd_booted: /run/systemd/system exists). */
  systemd: boolean;
}

export function probeCgroupHost(root = CGROUP_ROOT, runSystemd = '/run/systemd/system'): CgroupHost {
  return { version: existsSync(join(root, 'cgroup.controllers')) ? 2 : 1, systemd: existsSync(runSystemd) };
}
