// Overlay mounts of image layers: the kernel's overlayfs, or fuse-overlayfs where a rootless daemon's
// kernel cannot mount overlayfs in a user namespace (before 5.11; see rootless/overlay-choice.ts).
// runc mounts a container's root overlay itself (a mount in the container's spec, gone with its mount
// namespace). A FUSE file system needs its process, and crun cannot mount an overlay on "/", so with
// fuse-overlayfs or crun the root is mounted here on the bundle's rootfs before the runtime starts,
// and unmounted at the exit.
import { readFileSync } from 'node:fs';
import { run } from '../network/host-commands.js';
import { rootlessMode } from '../rootless/mode.js';

export type OverlayDriver = 'overlay2' | 'fuse-overlayfs';

let driver: OverlayDriver = 'overlay2';
let runtimeNeedsRoot = false;

/** The driver of this daemon, chosen once at start. */
export function overlayDriver(): OverlayDriver {
  return driver;
}

export function setOverlayDriver(d: OverlayDriver): void {
  driver = d;
}

/** Set when the OCI runtime cannot mount a container's root overlay from the spec (crun). */
export function setRuntimeNeedsMountedRoot(on: boolean): void {
  runtimeNeedsRoot = on;
}

/** Whether container roots are mounted by the daemon (fuse-overlayfs, or crun) rather than by runc. */
export function daemonMountsRootfs(): boolean {
  return driver === 'fuse-overlayfs' || runtimeNeedsRoot;
}

export interface OverlayDirs {
  /** Lower directories, topmost first. */
  lower: string[];
  /** Without an upper the mount is read-only. */
  upper?: string;
  work?: string;
}

export async function mountOverlay(d: OverlayDirs, target: string): Promise<void> {
  const opts = [`lowerdir=${d.lower.join(':')}`, ...(d.upper ? [`upperdir=${d.upper}`, `workdir=${d.work}`] : [])];
  if (driver === 'fuse-overlayfs') {
    // Runs on as the mount's server (it daemonizes once mounted); unmounting ends it.
    await run('fuse-overlayfs', ['-o', opts.join(','), target]);
    return;
  }
  // Inside a rootless daemon's user namespace overlayfs may only use user.* xattrs.
  const extra = [...(d.upper ? [] : ['ro']), ...(rootlessMode() ? ['userxattr'] : [])];
  await run('mount', ['-t', 'overlay', 'overlay', '-o', [...extra, ...opts].join(','), target]);
}

/** Detaches the mount (lazily: a process still inside does not block it). */
export async function unmount(target: string): Promise<void> {
  await run('umount', ['-l', target]);
}

/** Unmounts `target` if something is mounted there (a root left by a monitor that was killed). */
export async function unmountIfMounted(target: string): Promise<void> {
  if (isMountPoint(target)) await unmount(target);
}

/** Whether `path` is a mount point in this mount namespace. */
function isMountPoint(path: string): boolean {
  let info: string;
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return false; }
  for (const line of info.split('\n')) {
    const at = line.split(' ')[4];
    if (at && at.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) === path) return true;
  }
  return false;
}
