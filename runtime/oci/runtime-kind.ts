// Which OCI runtime a binary is, decided once. Wrappers keep the name of what they wrap (the hybrid
// crun wrapper is called crun, the rootless runc wrapper runc), so the name is the answer; an unknown
// name is taken as runc-compatible, the interface every OCI runtime copies.
import { basename } from 'node:path';

export type RuntimeKind = 'runc' | 'crun';

export function runtimeKind(binary: string): RuntimeKind {
  return basename(binary) === 'crun' ? 'crun' : 'runc';
}

/** What differs between the runtimes, as the callers need it. */
export interface RuntimeQuirks {
  /**
   * `run --keep` leaves the stopped container's cgroup (the OOM counter) until `delete`. crun has
   * none: its foreground runs lose the OOM flag, detached ones keep it (crun leaves a stopped
   * container until it is deleted).
   */
  runKeeps: boolean;
  /** It cannot mount the root overlay itself (the daemon mounts it and gives a mounted rootfs). */
  needsMountedRoot: boolean;
  /** Its state of a stopped container is a folder under this root plus cgroups, which the monitor can remove itself. */
  stateRoot?: string;
}

export function runtimeQuirks(kind: RuntimeKind): RuntimeQuirks {
  return kind === 'crun'
    ? { runKeeps: false, needsMountedRoot: true }
    : { runKeeps: true, needsMountedRoot: false, stateRoot: '/run/runc' };
}
