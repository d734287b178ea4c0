// Which overlay a rootless daemon uses (issue: "overlayfs inside the user namespace on kernel 5.11 and
// later, fuse-overlayfs otherwise"). Asked for with --storage-driver, or found by trying: a small
// overlay mount with userxattr in a scratch folder, made at start inside the namespace.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { release } from 'node:os';
import { SystemError } from '../errdefs.js';
import { mountOverlay, setOverlayDriver, unmount, type OverlayDriver } from '../fs/overlay-mount.js';
import { realHost } from './prerequisites.js';

const installed = (name: string): boolean => realHost.which(name) !== undefined;

/** Whether the kernel mounts overlayfs here; the error when it does not. */
async function kernelOverlayError(scratch: string): Promise<string | undefined> {
  const dir = join(scratch, `overlay-probe-${process.pid}`);
  const [lower, upper, work, merged] = ['lower', 'upper', 'work', 'merged'].map((n) => join(dir, n));
  try {
    for (const d of [lower, upper, work, merged]) mkdirSync(d, { recursive: true });
    setOverlayDriver('overlay2');
    await mountOverlay({ lower: [lower], upper, work }, merged);
    await unmount(merged);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sets the overlay driver for this daemon; says which one when it is not the kernel's. */
export async function chooseRootlessOverlay(wanted: OverlayDriver | undefined, scratch: string, log: (line: string) => void): Promise<OverlayDriver> {
  const fuseMissing = 'fuse-overlayfs is not installed: run `sudo apt-get install fuse-overlayfs`, then restart berthd';
  if (wanted === 'fuse-overlayfs') {
    if (!installed('fuse-overlayfs')) throw new SystemError(`--storage-driver fuse-overlayfs: ${fuseMissing}`);
    setOverlayDriver('fuse-overlayfs');
    return 'fuse-overlayfs';
  }
  const error = await kernelOverlayError(scratch);
  if (!error) return 'overlay2';
  if (wanted === 'overlay2') throw new SystemError(`--storage-driver overlay2: this kernel (${release()}) cannot mount overlayfs in a user namespace (it needs 5.11 or later): ${error}`);
  if (!installed('fuse-overlayfs')) {
    throw new SystemError(`this kernel (${release()}) cannot mount overlayfs in a user namespace (5.11 or later can), and ${fuseMissing}`);
  }
  log(`this kernel (${release()}) cannot mount overlayfs in a user namespace: using fuse-overlayfs`);
  setOverlayDriver('fuse-overlayfs');
  return 'fuse-overlayfs';
}
