// Every piece of work in progress lives under <root>/tmp and is moved into place by rename when complete,
// so clearing that folder on start removes all leftovers of an interrupted daemon.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class TempSpace {
  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
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
