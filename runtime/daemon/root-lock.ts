// One daemon per root: <root>/berthd.pid holds the pid of the daemon that owns the root (a file, or a
// symlink to the pid when the root's file system was full).
// A lock left by a dead process is taken over.
import { linkSync, readFileSync, readlinkSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errdefs.js';

export class RootLock {
  private constructor(readonly path: string) {}

  static acquire(root: string, pid = process.pid): RootLock {
    const path = join(root, 'berthd.pid');
    const tmp = `${path}.${pid}.tmp`;
    writeLockFile(tmp, pid);
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          // link() fails when the lock exists, so two daemons can never both win.
          linkSync(tmp, path);
          return new RootLock(path);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const owner = readOwner(path);
        if (owner !== undefined && owner !== pid && isAlive(owner)) {
          throw new ConflictError(`another berthd (pid ${owner}) is already using the root ${root}; stop it first or pass a different --root`);
        }
        // Stale: its owner is gone.
        try { unlinkSync(path); } catch { /* someone else took it over; retry decides */ }
      }
      throw new ConflictError(`could not take the lock ${path}; another berthd may be starting on the root ${root}`);
    } finally {
      try { unlinkSync(tmp); } catch { /* already gone */ }
    }
  }

  release(): void {
    try {
      if (readOwner(this.path) === process.pid) unlinkSync(this.path);
    } catch { /* already gone */ }
  }
}

/** The pid of a live daemon holding `root`, if any. */
export function liveRootOwner(root: string): number | undefined {
  const owner = readOwner(join(root, 'berthd.pid'));
  return owner !== undefined && isAlive(owner) ? owner : undefined;
}

/**
 * The lock's content is the pid. On a full file system the file cannot get its few bytes (ENOSPC,
 * and an empty temp file would stay behind), so the pid goes into a symlink's target instead, which
 * file systems keep in the inode itself: a daemon can still start on a full root.
 */
function writeLockFile(tmp: string, pid: number): void {
  try {
    writeFileSync(tmp, `${pid}\n`);
  } catch (err) {
    try { unlinkSync(tmp); } catch { /* never made */ }
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC' && (err as NodeJS.ErrnoException).code !== 'EDQUOT') throw err;
    symlinkSync(String(pid), tmp);
  }
}

function readOwner(path: string): number | undefined {
  try {
    let text: string;
    try { text = readlinkSync(path); } catch { text = readFileSync(path, 'utf8'); }
    const pid = Number.parseInt(text.trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A process that exists and is not a zombie (a zombie holds nothing: no lock, no files). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed daemon whose parent has not reaped it yet (an init that does not reap, a shell gone) is a
  // zombie: it answers signal 0 but holds nothing.
  return !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...: comm may hold spaces and parentheses, so read after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
