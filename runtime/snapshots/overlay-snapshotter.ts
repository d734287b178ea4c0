// The three snapshotters, one class: they differ in who mounts a container's root and with what.
// - overlayfs: the OCI runtime (runc) mounts the kernel's overlayfs from the spec, inside the
//   container's mount namespace, so the root goes with the container and never needs a host unmount.
// - daemon-mounted: the daemon mounts the kernel's overlayfs on the bundle's rootfs (crun cannot
//   mount an overlay on "/" from the spec); the monitor unmounts it at the exit.
// - fuse-overlayfs: the daemon mounts fuse-overlayfs (a rootless daemon whose kernel cannot mount
//   overlayfs in a user namespace, before 5.11); its process serves the mount until the unmount.
// Roots with shifted ids (a container in its own user namespace) are always daemon-mounted
// (shifted-roots.ts). Views for docker cp and export are always mounted.
import { InvalidError } from '../errdefs.js';
import { mountFuseOverlay, mountKernelOverlay, type OverlayDirs } from '../fs/overlay-mount.js';
import type { ShiftedRoots } from './shifted-roots.js';
import type { IdShift, IdShiftMethod, PreparedRoot, RootRequest, RootSpecMount, Snapshotter, SnapshotterName, StorageDriver } from './snapshotter.js';

export interface OverlaySnapshotterOptions {
  name: SnapshotterName;
  /** Inside a rootless daemon's user namespace the kernel's overlayfs may only use user.* xattrs. */
  userxattr: boolean;
  shifted: ShiftedRoots;
}

function checked(req: RootRequest): OverlayDirs {
  if (!req.layers.length) throw new InvalidError('the image has no layers to run');
  if (req.upper && !req.work) throw new InvalidError('a writable root needs a work directory beside its upper directory');
  return { lower: [...(req.above ?? []), ...req.layers], upper: req.upper, work: req.work };
}

export class OverlaySnapshotter implements Snapshotter {
  readonly name: SnapshotterName;
  readonly driver: StorageDriver;
  readonly markXattrs: 'trusted' | 'user';

  constructor(private readonly o: OverlaySnapshotterOptions) {
    this.name = o.name;
    this.markXattrs = o.userxattr ? 'user' : 'trusted';
    this.driver = o.name === 'fuse-overlayfs' ? 'fuse-overlayfs' : 'overlay2';
  }

  async prepare(req: RootRequest): Promise<PreparedRoot> {
    if (this.o.name !== 'overlayfs' || req.idShift) return { kind: 'mounted', path: await this.mount(req) };
    const d = checked(req);
    const mount: RootSpecMount = {
      destination: '/', type: 'overlay', source: 'overlay',
      options: [
        ...(d.upper ? [] : ['ro']),
        `lowerdir=${d.lower.join(':')}`, ...(d.upper ? [`upperdir=${d.upper}`, `workdir=${d.work}`] : []),
        ...(this.o.userxattr ? ['userxattr'] : []),
      ],
    };
    return { kind: 'spec-mount', mount };
  }

  async mount(req: RootRequest): Promise<string> {
    const d = checked(req);
    // A root a killed monitor or daemon left on the target goes first.
    await this.release(req.target);
    if (req.idShift) await this.o.shifted.mount(req as RootRequest & { idShift: IdShift });
    else if (this.o.name === 'fuse-overlayfs') await mountFuseOverlay(d, req.target);
    else await mountKernelOverlay(d, req.target, { userxattr: this.o.userxattr });
    return req.target;
  }

  release(target: string): Promise<void> {
    return this.o.shifted.release(target);
  }

  idShiftMethod(): Promise<IdShiftMethod> {
    return this.o.shifted.method();
  }
}
