// Metadata is written atomically: a temp file in the same folder, fsync, rename, fsync of the folder.
// A crash leaves either the old file or the new one, never a torn one.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export interface AtomicWriteOptions {
  mode?: number;
  /**
   * false: atomic (a killed process leaves the old or the new file) but not flushed to disk, for
   * state that is rewritten often and reconciled on start anyway (container records).
   */
  durable?: boolean;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: number | AtomicWriteOptions = {}): Promise<void> {
  const { mode = 0o644, durable = true } = typeof opts === 'number' ? { mode: opts } : opts;
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    if (durable) await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (durable) await syncDir(dirname(path));
}

export async function writeJsonAtomic(path: string, value: unknown, opts: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value), opts);
}

/**
 * Serializes atomic writes per path, newest value wins: concurrent saves of one record could
 * otherwise finish their renames out of order and leave an older snapshot on disk. A save made
 * while one is in flight is coalesced with any later ones into a single write.
 */
export class LatestWriter {
  private readonly slots = new Map<string, { running: Promise<void>; next?: { data: string; durable: boolean; waiters: { resolve: () => void; reject: (e: unknown) => void }[] } }>();

  constructor(private readonly opts: AtomicWriteOptions = {}) {}

  /** `opts.durable` overrides the writer's for this write; coalesced writes are durable if any asked. */
  write(path: string, value: unknown, opts: { durable?: boolean } = {}): Promise<void> {
    const data = JSON.stringify(value);
    const durable = opts.durable ?? this.opts.durable ?? true;
    const slot = this.slots.get(path);
    if (!slot) return this.start(path, data, durable);
    return new Promise((resolve, reject) => {
      slot.next ??= { data, durable, waiters: [] };
      slot.next.data = data;
      slot.next.durable ||= durable;
      slot.next.waiters.push({ resolve, reject });
    });
  }

  private start(path: string, data: string, durable: boolean): Promise<void> {
    const running = writeFileAtomic(path, data, { ...this.opts, durable }).finally(() => {
      const slot = this.slots.get(path)!;
      const next = slot.next;
      this.slots.delete(path);
      if (next) this.start(path, next.data, next.durable).then(() => next.waiters.forEach((w) => w.resolve()), (e: unknown) => next.waiters.forEach((w) => w.reject(e)));
    });
    this.slots.set(path, { running });
    return running;
  }
}

/** Makes a rename inside `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await fh.close();
  }
}
