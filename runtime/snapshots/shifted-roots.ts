// Roots for containers in their own user namespace: every layer file owned by k on disk shows as the
// container's host id base+k, no layer is copied, and what the container writes lands in its upper
// directory with its host ids (as Docker's userns-remap keeps it). Two ways, found once:
//
// - idmapped: an overlay of idmapped layer mounts handed over by descriptor (userns/idmapped-overlay.ts).
//   Needs Linux 6.15+.
// - fuse-uidmapping: older kernels (Debian 12's 6.1). The layers are joined by fuse-overlayfs with
//   `uidmapping=0:base:size,gidmapping=0:base:size` (read-only, mounted beside the target as
//   `<target>.layers`), and the kernel's overlayfs puts the container's upper directory on top of
//   that. The upper stays on the kernel's overlayfs, so writes and copy-ups land with the host ids
//   exactly as with idmapped layers, and one container's upper reads the same under either way.
//   Costs a fuse-overlayfs process per running container and FUSE reads of image files.
//
// BERTH_ID_SHIFT=fuse-uidmapping (or idmapped) forces one way without the probe: the tests use it
// to exercise the fallback on kernels that have idmapped layers.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { release as kernelRelease } from 'node:os';
import { errorMessage, SystemError } from '../errdefs.js';
import { isMountPoint, mountFuseOverlay, mountKernelOverlay, unmount, unmountIfMounted } from '../fs/overlay-mount.js';
import { FIXED_POOL } from '../userns/id-pool.js';
import { mountIdmappedOverlay } from '../userns/idmapped-overlay.js';
import { ensureUserns, releaseUserns } from '../userns/namespace-files.js';
import type { IdShift, IdShiftMethod, RootRequest } from './snapshotter.js';

export const ID_SHIFT_ENV = 'BERTH_ID_SHIFT';

/** The method forced through BERTH_ID_SHIFT, if any; a value Berth does not know is an error. */
export function forcedIdShift(env: NodeJS.ProcessEnv = process.env): IdShiftMethod | undefined {
  const v = env[ID_SHIFT_ENV];
  if (!v) return undefined;
  if (v === 'idmapped' || v === 'fuse-uidmapping') return v;
  throw new SystemError(`${ID_SHIFT_ENV}="${v}": use idmapped or fuse-uidmapping`);
}

const layersMount = (target: string): string => `${target}.layers`;

const fuseInstalled = (): boolean => ['/usr/bin/fuse-overlayfs', '/usr/local/bin/fuse-overlayfs', '/bin/fuse-overlayfs'].some((p) => existsSync(p));

export class ShiftedRoots {
  private found?: Promise<IdShiftMethod>;

  /** `scratch`: a folder on the engine root's file system where the probe may mount. */
  constructor(private readonly scratch: string, private readonly forced?: IdShiftMethod, private readonly log?: (line: string) => void) {}

  /** The way this host makes them, probed once; an error naming why neither works. */
  method(): Promise<IdShiftMethod> {
    if (this.forced) return Promise.resolve(this.forced);
    if (!this.found) {
      this.found = this.probe();
      // A failed probe is tried again next time (fuse-overlayfs may have been installed meanwhile).
      this.found.catch(() => { this.found = undefined; });
    }
    return this.found;
  }

  private async probe(): Promise<IdShiftMethod> {
    let idmappedError: string;
    try {
      await probeIdmapped(this.scratch);
      return 'idmapped';
    } catch (err) {
      idmappedError = errorMessage(err);
    }
    if (fuseInstalled()) {
      this.log?.(`this kernel (${kernelRelease()}) cannot idmap overlay layers (${idmappedError}): containers with their own user namespace get their roots through fuse-overlayfs's id mapping`);
      return 'fuse-uidmapping';
    }
    throw new SystemError(`this kernel (${kernelRelease()}) cannot idmap overlay layers (Linux 6.15 or later can: ${idmappedError}), and fuse-overlayfs, the fallback, is not installed: run apt-get install fuse-overlayfs, or start the container with --userns host`);
  }

  /** Mounts the root for `req` (which has an idShift) on req.target. */
  async mount(req: RootRequest & { idShift: IdShift }): Promise<void> {
    const method = await this.method();
    if (method === 'idmapped') {
      await mountIdmappedOverlay({ userns: await req.idShift.userns(), lower: req.layers, plainLower: req.above, upper: req.upper, work: req.work }, req.target);
      return;
    }
    const { uid, gid, size } = req.idShift;
    const shift = [`uidmapping=0:${uid}:${size}`, `gidmapping=0:${gid}:${size}`, 'allow_other'];
    if (!req.upper && !req.above?.length) {
      // Read-only and nothing above the layers: the shifted layers are the whole root.
      await mountFuseOverlay({ lower: req.layers }, req.target, shift).catch((err: unknown) => { throw fuseFailed(err); });
      return;
    }
    const layers = layersMount(req.target);
    await mkdir(layers, { recursive: true });
    try {
      await mountFuseOverlay({ lower: req.layers }, layers, shift);
    } catch (err) {
      await rmdir(layers).catch(() => undefined);
      throw fuseFailed(err);
    }
    try {
      await mountKernelOverlay({ lower: [...(req.above ?? []), layers], upper: req.upper, work: req.work }, req.target);
    } catch (err) {
      await this.release(req.target);
      throw err;
    }
  }

  /** Unmounts the root on `target` and the shifted layers beside it (when there are). */
  async release(target: string): Promise<void> {
    await unmountIfMounted(target);
    const layers = layersMount(target);
    if (!existsSync(layers)) return;
    if (isMountPoint(layers)) await unmount(layers);
    await rmdir(layers).catch(() => undefined);
  }
}

const fuseFailed = (err: unknown): Error => new SystemError(`cannot mount the container's root with shifted ids through fuse-overlayfs: ${errorMessage(err)}`);

/** An overlay of idmapped layers given by descriptor, made in a scratch folder on the engine root. */
async function probeIdmapped(scratch: string): Promise<void> {
  await mkdir(scratch, { recursive: true });
  const dir = await mkdtemp(join(scratch, 'userns-probe-'));
  const ns = join(dir, 'ns');
  const mnt = join(dir, 'mnt');
  let mounted = false;
  try {
    // Two lower layers: an overlay without an upper directory needs two.
    await Promise.all([mkdir(join(dir, 'l1')), mkdir(join(dir, 'l2')), mkdir(mnt)]);
    await ensureUserns(ns, { uid: FIXED_POOL.start, gid: FIXED_POOL.start, size: 1 });
    await mountIdmappedOverlay({ userns: ns, lower: [join(dir, 'l1'), join(dir, 'l2')] }, mnt);
    mounted = true;
  } finally {
    if (mounted) await unmount(mnt).catch(() => undefined);
    await releaseUserns(ns).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
