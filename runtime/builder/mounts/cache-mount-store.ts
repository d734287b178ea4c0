// The folders behind `RUN --mount=type=cache`, kept under `<root>/build-cache/mounts/` across builds
// and daemon restarts, as BuildKit keeps them in its own store. One folder per cache key (the mount's
// id, plus the `from` image when it seeds the cache):
//   <hex>/meta.json  {id, key, description, createdAt, lastUsedAt, usageCount}
//   <hex>/data/      what the mount holds
// A new cache is made in a temp folder and renamed into place, so a build that fails while seeding
// it leaves nothing. Sharing follows BuildKit: `shared` (default) lets concurrent steps use the same
// folder, `locked` waits for the one using it, `private` takes another instance when it is in use.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheSharing } from '../../../dockerfile/syntax/run-flags.js';
import { writeFileAtomic } from '../../fs/atomic-write.js';
import { dirSize } from '../../fs/dir-size.js';

export interface CacheMountMeta {
  id: string;
  key: string;
  description: string;
  createdAt: string;
  lastUsedAt: string;
  usageCount: number;
}

/** One entry of `docker system df -v`'s build cache (Docker's types.BuildCache). */
export interface BuildCacheRecord {
  ID: string;
  Parent: string;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

export interface CacheAcquire {
  /** BuildKit's cache id (default: the target) plus what else keys it (the `from` image). */
  id: string;
  key: string;
  sharing: CacheSharing;
  /** `--no-cache`: the mount starts empty, and the empty one replaces what was kept. */
  fresh: boolean;
  description: string;
  /** Fills a new cache's data folder (mode, owner, the `from` files) before it is renamed into place. */
  init(data: string): Promise<void>;
}

export interface CacheLease {
  readonly data: string;
  release(): Promise<void>;
}

// Folders in use, by path, for every store of this process (the df route has no store of its own).
const users = new Map<string, number>();
const waiters = new Map<string, (() => void)[]>();

export function cacheMountsDir(root: string): string {
  return join(root, 'build-cache', 'mounts');
}

export class CacheMountStore {
  readonly dir: string;

  constructor(root: string) {
    this.dir = cacheMountsDir(root);
  }

  async acquire(req: CacheAcquire): Promise<CacheLease> {
    const base = createHash('sha256').update(req.key).digest('hex');
    let folder = join(this.dir, base);
    if (req.sharing === 'locked') {
      while ((users.get(folder) ?? 0) > 0) await new Promise<void>((r) => waiters.set(folder, [...(waiters.get(folder) ?? []), r]));
    } else if (req.sharing === 'private') {
      for (let n = 1; (users.get(folder) ?? 0) > 0; n++) folder = join(this.dir, `${base}-${n}`);
    }
    users.set(folder, (users.get(folder) ?? 0) + 1);
    try {
      const busyElsewhere = (users.get(folder) ?? 0) > 1;
      if (req.fresh && !busyElsewhere) await this.discard(folder);
      const meta = await readMeta(folder);
      const now = new Date().toISOString();
      if (!meta) {
        // A folder without meta.json is one a killed daemon was discarding: start afresh.
        await this.discard(folder);
        await this.create(folder, req, now);
      }
      // Usage figures are for `docker system df`: atomic, but not worth a disk flush on every step.
      else await writeFileAtomic(join(folder, 'meta.json'), JSON.stringify({ ...meta, lastUsedAt: now, usageCount: meta.usageCount + 1 }), { durable: false });
    } catch (err) {
      this.leave(folder);
      throw err;
    }
    return { data: join(folder, 'data'), release: async () => this.leave(folder) };
  }

  /** Every cache kept, with its size. */
  async list(): Promise<BuildCacheRecord[]> {
    const out: BuildCacheRecord[] = [];
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith('.')) continue;
      const folder = join(this.dir, name);
      const meta = await readMeta(folder);
      if (!meta) continue;
      out.push({
        ID: name.slice(0, 25), Parent: '', Type: 'exec.cachemount', Description: meta.description,
        InUse: (users.get(folder) ?? 0) > 0, Shared: false, Size: await dirSize(join(folder, 'data')),
        CreatedAt: meta.createdAt, LastUsedAt: meta.lastUsedAt, UsageCount: meta.usageCount,
      });
    }
    return out;
  }

  /** Removes every cache not in use; the IDs removed and the bytes they held. */
  async prune(): Promise<{ ids: string[]; reclaimed: number }> {
    const ids: string[] = [];
    let reclaimed = 0;
    for (const r of await this.list()) {
      if (r.InUse) continue;
      const folder = (await readdir(this.dir)).find((n) => n.startsWith(r.ID));
      if (!folder || (users.get(join(this.dir, folder)) ?? 0) > 0) continue;
      await this.discard(join(this.dir, folder));
      ids.push(r.ID);
      reclaimed += r.Size;
    }
    return { ids, reclaimed };
  }

  /** Removes what a daemon killed while making or discarding a cache left behind. */
  async removeLeftovers(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (name.startsWith('.new-') || name.startsWith('.old-')) await rm(join(this.dir, name), { recursive: true, force: true });
    }
  }

  private async create(folder: string, req: CacheAcquire, now: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.new-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(join(tmp, 'data'), { recursive: true });
      await req.init(join(tmp, 'data'));
      const meta: CacheMountMeta = { id: req.id, key: req.key, description: req.description, createdAt: now, lastUsedAt: now, usageCount: 1 };
      await writeFileAtomic(join(tmp, 'meta.json'), JSON.stringify(meta), { durable: false });
      // Another step of a shared cache may have made it first; then that one is used.
      await rename(tmp, folder).catch(async (err: unknown) => { if (!(await readMeta(folder))) throw err; });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Renames the folder away at once; deleting its files goes on in the background (leftovers go at the next start). */
  private async discard(folder: string): Promise<void> {
    const gone = join(this.dir, `.old-${randomBytes(6).toString('hex')}`);
    if (await rename(folder, gone).then(() => true, () => false)) void rm(gone, { recursive: true, force: true }).catch(() => undefined);
  }

  private leave(folder: string): void {
    const n = (users.get(folder) ?? 1) - 1;
    if (n > 0) users.set(folder, n);
    else users.delete(folder);
    const next = waiters.get(folder)?.shift();
    if (next) next();
  }
}

async function readMeta(folder: string): Promise<CacheMountMeta | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, 'meta.json'), 'utf8')) as CacheMountMeta;
  } catch {
    return undefined;
  }
}

/** Build cache entries of the cache mounts under `root`, for `docker system df` (BuildCache). */
export function cacheMountRecords(root: string): Promise<BuildCacheRecord[]> {
  return new CacheMountStore(root).list();
}
