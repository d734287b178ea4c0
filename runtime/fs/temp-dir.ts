// Every piece of work in progress lives under <root>/tmp and is moved into place by rename when complete,
// so clearing that folder on start removes all leftovers of an interrupted daemon.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class TempSpace {
  constructor(readonly dir: string) {}

  /**
   * Empties the folder, one entry at a time: an entry that cannot be removed (still mounted, say) is
   * reported through `log` and left, and the start goes on. Every removed leftover is one log line.
   */
  async init(log: (line: string) => void = () => undefined): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of await readdir(this.dir)) {
      const p = join(this.dir, name);
      try {
        await rm(p, { recursive: true, force: true });
        log(`removed ${p}, work in progress of a daemon that stopped`);
      } catch (err) {
        log(`cannot remove ${p} (left by a daemon that stopped; remove it by hand): ${(err as Error).message}`);
      }
    }
  }

  /** A fresh path (not created) for a file or folder. */
  path(prefix: string): string {
    return join(this.dir, `${prefix}-${randomBytes(8).toString('hex')}`);
  }

  async makeDir(prefix: string): Promise<string> {
    const p = this.path(prefix);
    await mkdir(p, { mode: 0o700 });
    return p;
  }
}
