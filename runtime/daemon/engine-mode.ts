// How this daemon runs, decided once at start (main.ts) and handed to every service that behaves
// differently because of it, instead of each asking the environment: root or rootless, the storage
// driver (the snapshotter is made from it once the OCI runtime is known), the cgroup driver.
import type { RootlessMode } from '../rootless/mode.js';
import type { IdShiftMethod, StorageDriver } from '../snapshots/snapshotter.js';
import type { CgroupDriverName } from '../cgroups/driver.js';

export interface EngineMode {
  /** Set when the daemon runs rootless, inside the user namespace its launcher made. */
  rootless?: RootlessMode;
  /** overlay2 (the kernel's overlayfs) or fuse-overlayfs (runtime/snapshots/choose-snapshotter.ts). */
  storageDriver: StorageDriver;
  /** How roots with shifted ids are made, when found at start (--userns auto); else found at the first such root. */
  idShift?: IdShiftMethod;
  /** --cgroup-driver or dockerd's default (runtime/cgroups/select.ts). */
  cgroupDriver: CgroupDriverName;
  /** Rootless with a delegated cgroup v2 tree: its folder, relative to /sys/fs/cgroup (containers get limits there). */
  cgroupDelegated?: string;
}

/** As root, with the defaults: what tools and tests that open services without main.ts use. */
export const ROOT_MODE: EngineMode = { storageDriver: 'overlay2', cgroupDriver: 'cgroupfs' };
