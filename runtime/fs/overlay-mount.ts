// Mount primitives for overlays of image layers: the kernel's overlayfs and fuse-overlayfs, and
// unmounting. Which of them a root gets, and who mounts it, is the snapshotter's decision
// (runtime/snapshots/); these functions only carry it out.
import { readFileSync } from 'node:fs';
import { run } from '../network/host-commands.js';

export interface OverlayDirs {
  /** Lower directories, topmost first. */
  lower: string[];
  /** Without an upper the mount is read-only. */
  upper?: string;
  work?: string;
}

function dirOptions(d: OverlayDirs): string[] {
  return [`lowerdir=${d.lower.join(':')}`, ...(d.upper ? [`upperdir=${d.upper}`, `workdir=${d.work}`] : [])];
}

/**
 * The kernel's overlayfs on `target`. `userxattr`: inside a rootless daemon's user namespace overlayfs
 * may only keep its marks in user.* xattrs.
 */
export async function mountKernelOverlay(d: OverlayDirs, target: string, opts: { userxattr?: boolean } = {}): Promise<void> {
  const extra = [...(d.upper ? [] : ['ro']), ...(opts.userxattr ? ['userxattr'] : [])];
  await run('mount', ['-t', 'overlay', 'overlay', '-o', [...extra, ...dirOptions(d)].join(','), target]);
}

/**
 * fuse-overlayfs on `target`. It runs on as the mount's server (it daemonizes once mounted);
 * unmounting ends it. `extra` are further -o options (uidmapping=, allow_other).
 */
export async function mountFuseOverlay(d: OverlayDirs, target: string, extra: string[] = []): Promise<void> {
  await run('fuse-overlayfs', ['-o', [...dirOptions(d), ...extra].join(','), target]);
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
export function isMountPoint(path: string): boolean {
  let info: string;
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return false; }
  for (const line of info.split('\n')) {
    const at = line.split(' ')[4];
    if (at && at.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))) === path) return true;
  }
  return false;
}
