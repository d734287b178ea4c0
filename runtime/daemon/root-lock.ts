// One daemon per root: <root>/berthd.pid holds the pid of the daemon that owns the root.
// A lock left by a dead process is taken over.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../errdefs.js';

export class RootLock {
  private constructor(readonly path: string) {}

  static acquire(root: string, pid = process.pid): RootLock {
    const path = join(root, 'berthd.pid');
    const tmp = `${path}.${pid}.tmp`;
    writeFileSync(tmp, `${pid}\n`);
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

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
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
