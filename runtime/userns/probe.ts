// berthd --userns auto checks at start that this kernel can make a container's root (an overlay of
// idmapped layers given by descriptor), on the engine root's own file system, so a host that cannot
// stops the daemon with the reason instead of failing every container start.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { unmount } from '../fs/overlay-mount.js';
import { InvalidError, errorMessage } from '../errdefs.js';
import { FIXED_POOL } from './id-pool.js';
import { mountIdmappedOverlay } from './idmapped-overlay.js';
import { ensureUserns, releaseUserns } from './namespace-files.js';

export async function probeIdmappedRoots(root: string): Promise<void> {
  const dir = await mkdtemp(join(root, 'userns-probe-'));
  const ns = join(dir, 'ns');
  const mnt = join(dir, 'mnt');
  let mounted = false;
  try {
    // Two lower layers: an overlay without an upper directory needs two.
    await Promise.all([mkdir(join(dir, 'l1')), mkdir(join(dir, 'l2')), mkdir(mnt)]);
    await ensureUserns(ns, { uid: FIXED_POOL.start, gid: FIXED_POOL.start, size: 1 });
    await mountIdmappedOverlay({ userns: ns, lower: [join(dir, 'l1'), join(dir, 'l2')] }, mnt);
    mounted = true;
  } catch (err) {
    throw new InvalidError(`--userns auto: ${errorMessage(err)}`);
  } finally {
    if (mounted) await unmount(mnt).catch(() => undefined);
    await releaseUserns(ns).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
