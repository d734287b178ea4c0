// The daemon's snapshotter, chosen once at start from what it runs as, what was asked for and what
// the kernel and the OCI runtime can do. First the storage driver (before anything else opens):
// - as root: the kernel's overlayfs; --storage-driver fuse-overlayfs is refused (it is for rootless mode);
// - rootless: the kernel's overlayfs in the user namespace (5.11+, found by trying a small mount),
//   else fuse-overlayfs; --storage-driver asks for one.
// Then, with the OCI runtime known, who mounts: runc from the spec (overlayfs), the daemon for crun
// (daemon-mounted), the daemon always with fuse-overlayfs.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { InvalidError, SystemError } from '../errdefs.js';
import { mountKernelOverlay, unmount } from '../fs/overlay-mount.js';
import { realHost } from '../rootless/prerequisites.js';
import { OverlaySnapshotter } from './overlay-snapshotter.js';
import { ShiftedRoots, forcedIdShift } from './shifted-roots.js';
import type { IdShiftMethod, Snapshotter, StorageDriver } from './snapshotter.js';

export interface StorageNeeds {
  rootless: boolean;
  /** --storage-driver, when given. */
  storageDriver?: StorageDriver;
  /** A folder on the engine root's file system for the probe. */
  scratch: string;
  log: (line: string) => void;
}

const fuseMissing = 'fuse-overlayfs is not installed: run `sudo apt-get install fuse-overlayfs`, then restart berthd';

/** The storage driver, decided at daemon start (an error stops the daemon with what to do). */
export async function chooseStorageDriver(n: StorageNeeds): Promise<StorageDriver> {
  if (!n.rootless) {
    if (n.storageDriver === 'fuse-overlayfs') throw new InvalidError('--storage-driver fuse-overlayfs is for rootless mode: as root berthd uses the kernel\'s overlayfs');
    return 'overlay2';
  }
  const installed = realHost.which('fuse-overlayfs') !== undefined;
  if (n.storageDriver === 'fuse-overlayfs') {
    if (!installed) throw new SystemError(`--storage-driver fuse-overlayfs: ${fuseMissing}`);
    return 'fuse-overlayfs';
  }
  const error = await kernelOverlayError(n.scratch);
  if (!error) return 'overlay2';
  if (n.storageDriver === 'overlay2') throw new SystemError(`--storage-driver overlay2: this kernel (${release()}) cannot mount overlayfs in a user namespace (it needs 5.11 or later): ${error}`);
  if (!installed) throw new SystemError(`this kernel (${release()}) cannot mount overlayfs in a user namespace (5.11 or later can), and ${fuseMissing}`);
  n.log(`this kernel (${release()}) cannot mount overlayfs in a user namespace: using fuse-overlayfs`);
  return 'fuse-overlayfs';
}

export interface SnapshotterNeeds {
  driver: StorageDriver;
  rootless: boolean;
  /** False for crun: it cannot mount the root overlay from the spec. */
  runtimeMountsOverlay: boolean;
  /** A folder on the engine root's file system for probes. */
  scratch: string;
  /** How roots with shifted ids are made, when known (found at start, or forced with BERTH_ID_SHIFT); else probed at first use. */
  idShift?: IdShiftMethod;
  log?: (line: string) => void;
}

/** The snapshotter for the driver and the OCI runtime (once the daemon knows which runtime it runs). */
export function makeSnapshotter(n: SnapshotterNeeds): Snapshotter {
  const shifted = new ShiftedRoots(n.scratch, n.idShift ?? forcedIdShift(), n.log);
  if (n.driver === 'fuse-overlayfs') return new OverlaySnapshotter({ name: 'fuse-overlayfs', userxattr: n.rootless, shifted });
  return new OverlaySnapshotter({ name: n.runtimeMountsOverlay ? 'overlayfs' : 'daemon-mounted', userxattr: n.rootless, shifted });
}

/** Whether the kernel mounts overlayfs here (with userxattr, as in a user namespace); the error when it does not. */
async function kernelOverlayError(scratch: string): Promise<string | undefined> {
  const dir = join(scratch, `overlay-probe-${process.pid}`);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((d) => join(dir, d));
  try {
    for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true });
    await mountKernelOverlay({ lower: [lower], upper, work }, merged, { userxattr: true });
    await unmount(merged);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
