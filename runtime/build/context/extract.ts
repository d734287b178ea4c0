// Unpacks the build context tar into a directory, refusing entries that would land (or write
// through a symlink) outside it, and hashes every file on the way for the step cache.
// Device nodes and FIFOs are skipped: a context is source files, and creating device nodes from a
// client's tar on the host is not something a build needs.
import { createHash } from 'node:crypto';
import { chmod, link, lstat, lchown, lutimes, mkdir, open, rm, symlink, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { InvalidError } from '../../errdefs.js';
import { decompressContext } from './decompress.js';

export class ContextFormatError extends InvalidError {}

export interface ExtractedContext {
  /** Content hash per regular file or symlink, by clean relative path. */
  hashes: Map<string, string>;
  /** Bytes of file content. */
  size: number;
  entries: number;
}

const PARALLEL_WRITES = 16;
const BUFFERED_FILE_MAX = 1 << 20;

/** A context entry name as a clean relative path; throws on `..` and absolute names. */
export function contextEntryPath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      throw new ContextFormatError(`the build context tar has an entry "${name}" with "..", which would place it outside the context; refusing to build`);
    }
    parts.push(part);
  }
  return parts.join('/');
}

/** Hash of one context entry as the cache sees it: type, mode, owner, link target and content. */
export function entryHash(type: string, mode: number, uid: number, gid: number, linkname: string, content: Buffer | undefined): string {
  const h = createHash('sha256');
  h.update(`${type}\0${(mode & 0o7777).toString(8)}\0${uid}\0${gid}\0${linkname}\0`);
  if (content) h.update(content);
  return h.digest('hex');
}

type TarEntry = AsyncIterable<Buffer> & { header: tar.Header; resume(): unknown };

export async function extractContext(input: Readable, dest: string): Promise<ExtractedContext> {
  await mkdir(dest, { recursive: true, mode: 0o755 });
  const stream = await decompressContext(input);
  const extract = tar.extract();
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  const w = new ContextWriter(dest);
  try {
    for await (const entry of extract) await w.apply(entry as TarEntry);
    await w.finish();
  } catch (err) {
    extract.destroy();
    await w.settle();
    if (err instanceof InvalidError) throw err;
    throw new ContextFormatError(`the build context is not a valid tar stream: ${(err as Error).message}`);
  }
  return { hashes: w.hashes, size: w.size, entries: w.entries };
}

class ContextWriter {
  readonly hashes = new Map<string, string>();
  size = 0;
  entries = 0;
  private readonly knownDirs = new Set<string>(['']);
  private readonly dirMeta = new Map<string, Date>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly chown = process.getuid?.() === 0;

  constructor(private readonly dest: string) {}

  async apply(entry: TarEntry): Promise<void> {
    const h = entry.header;
    const rel = contextEntryPath(h.name);
    this.entries++;
    if (rel === '') {
      entry.resume();
      return;
    }
    await this.ensureDir(posix.dirname(rel) === '.' ? '' : posix.dirname(rel), h.name);
    const path = join(this.dest, rel);
    await this.pending.get(rel);
    switch (h.type) {
      case 'directory': {
        entry.resume();
        const st = await lstatOrUndefined(path);
        if (st && !st.isDirectory()) await rm(path, { force: true });
        if (!st?.isDirectory()) await mkdir(path, { mode: 0o755 });
        this.knownDirs.add(rel);
        await this.setOwner(path, h);
        await chmod(path, (h.mode ?? 0o755) & 0o7777);
        this.dirMeta.set(rel, h.mtime ?? new Date(0));
        return;
      }
      case 'file':
      case 'contiguous-file': {
        const size = h.size ?? 0;
        this.size += size;
        if (size <= BUFFERED_FILE_MAX) {
          const content = await readAll(entry);
          this.hashes.set(rel, entryHash('file', h.mode ?? 0o644, h.uid ?? 0, h.gid ?? 0, '', content));
          await this.removeNonFile(rel);
          this.schedule(rel, () => this.writeFile(path, h, [content]));
          return;
        }
        await this.removeNonFile(rel);
        const hash = createHash('sha256');
        hash.update(`file\0${((h.mode ?? 0o644) & 0o7777).toString(8)}\0${h.uid ?? 0}\0${h.gid ?? 0}\0\0`);
        await this.writeFile(path, h, entry, (chunk) => hash.update(chunk));
        this.hashes.set(rel, hash.digest('hex'));
        return;
      }
      case 'symlink': {
        entry.resume();
        await rm(path, { recursive: true, force: true });
        this.forgetDirs(rel);
        await symlink(h.linkname ?? '', path);
        if (this.chown) await lchown(path, h.uid ?? 0, h.gid ?? 0);
        await lutimes(path, h.mtime ?? new Date(0), h.mtime ?? new Date(0));
        this.hashes.set(rel, entryHash('symlink', 0o777, h.uid ?? 0, h.gid ?? 0, h.linkname ?? '', undefined));
        return;
      }
      case 'link': {
        entry.resume();
        const target = contextEntryPath(h.linkname ?? '');
        await this.settle();
        const st = await lstatOrUndefined(join(this.dest, target));
        if (!target || !st || !st.isFile()) {
          throw new ContextFormatError(`the build context tar has a hard link "${h.name}" to "${h.linkname}", which is not an earlier file of the context; refusing to build`);
        }
        await this.checkNoSymlinkIn(posix.dirname(target) === '.' ? '' : posix.dirname(target), h.name);
        await rm(path, { recursive: true, force: true });
        await link(join(this.dest, target), path);
        const hash = this.hashes.get(target);
        if (hash) this.hashes.set(rel, hash);
        return;
      }
      default:
        // Devices, FIFOs and metadata-only entries carry nothing a build copies.
        entry.resume();
    }
  }

  private schedule(rel: string, work: () => Promise<void>): void {
    const p: Promise<void> = work()
      .catch((err: unknown) => { this.failure ??= err; })
      .finally(() => { if (this.pending.get(rel) === p) this.pending.delete(rel); });
    this.pending.set(rel, p);
  }

  /** Back-pressure: with too many writes in flight, wait for the oldest before reading on. */
  private async throttle(): Promise<void> {
    while (this.pending.size >= PARALLEL_WRITES) {
      const oldest = this.pending.values().next().value as Promise<void>;
      await oldest;
      await new Promise<void>((r) => setImmediate(r));
    }
    if (this.failure) throw this.failure;
  }

  private failure: unknown;

  private async writeFile(path: string, h: tar.Header, body: AsyncIterable<Buffer> | Buffer[], onChunk?: (c: Buffer) => void): Promise<void> {
    const mode = (h.mode ?? 0o644) & 0o7777;
    const fh = await open(path, 'w', 0o600);
    try {
      for await (const chunk of body) {
        onChunk?.(chunk);
        await fh.write(chunk);
      }
      if (this.chown) await fh.chown(h.uid ?? 0, h.gid ?? 0);
      await fh.chmod(mode);
      const mtime = h.mtime ?? new Date(0);
      await fh.utimes(mtime, mtime);
    } finally {
      await fh.close();
    }
  }

  /** Waits for every scheduled write; throws the first failure. */
  async settle(): Promise<void> {
    await Promise.all([...this.pending.values()]);
    if (this.failure) throw this.failure;
  }

  async finish(): Promise<void> {
    await this.settle();
    const dirs = [...this.dirMeta.entries()].sort((a, b) => b[0].split('/').length - a[0].split('/').length);
    for (const [rel, mtime] of dirs) {
      if (this.knownDirs.has(rel)) await utimes(join(this.dest, rel), mtime, mtime).catch(() => undefined);
    }
  }

  private async removeNonFile(rel: string): Promise<void> {
    await this.throttle();
    if (this.knownDirs.has(rel)) {
      await rm(join(this.dest, rel), { recursive: true, force: true });
      this.forgetDirs(rel);
      return;
    }
    const st = await lstatOrUndefined(join(this.dest, rel));
    if (st && !st.isFile()) await rm(join(this.dest, rel), { recursive: true, force: true });
  }

  private forgetDirs(rel: string): void {
    for (const d of [...this.knownDirs]) if (d === rel || d.startsWith(`${rel}/`)) this.knownDirs.delete(d);
    for (const d of [...this.dirMeta.keys()]) if (d === rel || d.startsWith(`${rel}/`)) this.dirMeta.delete(d);
  }

  /** Creates parent directories, refusing to go through a symlink (it could point anywhere on the host). */
  private async ensureDir(dir: string, entryName: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    let current = '';
    for (const part of dir.split('/')) {
      current = current ? `${current}/${part}` : part;
      if (this.knownDirs.has(current)) continue;
      await this.pending.get(current);
      const p = join(this.dest, current);
      const st = await lstatOrUndefined(p);
      if (st?.isSymbolicLink()) {
        throw new ContextFormatError(`the build context tar has an entry "${entryName}" below the symlink "${current}"; refusing to write through it`);
      }
      if (st && !st.isDirectory()) await rm(p, { force: true });
      if (!st?.isDirectory()) await mkdir(p, { mode: 0o755 });
      this.knownDirs.add(current);
    }
  }

  private async checkNoSymlinkIn(dir: string, entryName: string): Promise<void> {
    let current = '';
    for (const part of dir ? dir.split('/') : []) {
      current = current ? `${current}/${part}` : part;
      if ((await lstatOrUndefined(join(this.dest, current)))?.isSymbolicLink()) {
        throw new ContextFormatError(`the build context tar has a hard link "${entryName}" through the symlink "${current}"; refusing to build`);
      }
    }
  }

  private async setOwner(path: string, h: tar.Header): Promise<void> {
    if (this.chown) await lchown(path, h.uid ?? 0, h.gid ?? 0);
  }
}

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

async function lstatOrUndefined(p: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}
