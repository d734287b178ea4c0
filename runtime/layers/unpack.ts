// Unpacks one layer tar into a plain directory that overlayfs can use as a lower dir.
// Docker whiteouts become overlay whiteouts: `.wh.NAME` a 0/0 character device, and an opaque directory
// (`.wh..wh..opq`) whiteouts for every name the lower layers have there (overlay would need an xattr for
// opaque dirs, which Node cannot set; whiteouts for each hidden name mean the same to overlay).
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, lchown, link, lstat, lutimes, mkdir, readdir, rm, symlink, utimes } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import * as tar from 'tar-stream';
import { asDiskFull, InvalidError, isDiskFull } from '../errdefs.js';
import { DigestingStream } from '../content/digest.js';
import { openDecompressed, type Compression } from './decompress.js';
import { checkSymlinkTarget, entryPath, hardLinkTarget, UnsafeEntryError } from './entry-path.js';

const run = promisify(execFile);
const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

export interface UnpackOptions {
  /**
   * Unpacked dirs of the parent layers, nearest first (needed to apply opaque directories). A function
   * is called only once the tar is extracted, so a layer can unpack while its parents still do.
   */
  lowerDirs?: string[] | (() => Promise<string[]>);
  /** Also receives the decompressed tar, e.g. to keep it as a blob. */
  copyTo?: Writable;
  /** Set owners from the tar (needs root). Default: when running as root. */
  chown?: boolean;
}

export interface UnpackResult {
  /** How the input was compressed. */
  compression: Compression;
  /** sha256 of the decompressed tar. */
  diffId: string;
  /** Bytes of the decompressed tar. */
  diffSize: number;
  /** Bytes of file content in the layer. */
  size: number;
}

export class LayerFormatError extends InvalidError {}

/** Unpacks `input` (plain or gzip tar) into `dest`, which must be empty or missing. Throws on unsafe or broken input; the caller removes `dest` then. */
export async function unpackLayer(input: Readable, dest: string, opts: UnpackOptions = {}): Promise<UnpackResult> {
  await mkdir(dest, { recursive: true, mode: 0o755 });
  const { stream, compression } = await openDecompressed(input);
  const hasher = new DigestingStream();
  const extract = tar.extract();
  const sources: Promise<void>[] = [];
  if (opts.copyTo) {
    const tee = new PassThrough();
    hasher.pipe(tee);
    sources.push(pipeline(tee, opts.copyTo));
  }
  const feeding = pipeline(stream, hasher, extract);
  // A truncated stream fails the pipeline while an entry body is still being awaited: race them.
  // So does the copy of the tar (copyTo), which nothing else awaits until the end: its failure (a full
  // disk) must not be an unhandled rejection.
  const failed = new Promise<never>((_resolve, reject) => { feeding.catch(reject); for (const s of sources) s.catch(reject); });
  failed.catch(() => undefined);
  const state = new UnpackState(dest, opts.chown ?? process.getuid?.() === 0);
  try {
    for await (const entry of extract) {
      await Promise.race([state.apply(entry as TarEntry), failed]);
    }
    await feeding;
    await Promise.all(sources);
  } catch (err) {
    extract.destroy();
    hasher.destroy();
    throw wrapTarError(err);
  }
  const lowerDirs = typeof opts.lowerDirs === 'function' ? await opts.lowerDirs() : opts.lowerDirs ?? [];
  await state.finish(lowerDirs);
  return { compression, diffId: hasher.digest, diffSize: hasher.size, size: state.size };
}

function wrapTarError(err: unknown): unknown {
  if (err instanceof InvalidError) return err;
  if (isDiskFull(err)) return asDiskFull(err, 'unpacking a layer');
  const msg = (err as Error)?.message ?? String(err);
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end|invalid tar|truncated/i.test(msg)) {
    return new LayerFormatError(`the layer is not a valid tar (or gzip) stream: ${msg}`);
  }
  return err;
}

type Entry = tar.Header;
/** An entry of tar-stream's extract: its header and a (streamx) readable body. */
type TarEntry = AsyncIterable<Buffer> & { header: tar.Header; resume(): unknown };

class UnpackState {
  size = 0;
  private readonly dirTimes = new Map<string, Date>();
  private readonly whiteouts = new Set<string>();
  private readonly opaqueDirs = new Set<string>();
  /** Relative dirs known to be real directories (not symlinks) in dest. */
  private readonly knownDirs = new Set<string>(['']);

  constructor(private readonly dest: string, private readonly chown: boolean) {}

  async apply(entry: TarEntry): Promise<void> {
    const h = entry.header;
    try {
      await this.applyHeader(h, entry);
    } finally {
      entry.resume();
    }
  }

  private async applyHeader(h: Entry, body: AsyncIterable<Buffer>): Promise<void> {
    const rel = entryPath(h.name);
    if (rel === '') {
      if (h.type === 'directory') this.setDirMeta('', h);
      return;
    }
    const dir = posix.dirname(rel) === '.' ? '' : posix.dirname(rel);
    const base = posix.basename(rel);
    await this.ensureDir(dir, rel);
    if (base === OPAQUE) {
      this.opaqueDirs.add(dir);
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      const hidden = posix.join(dir, base.slice(WHITEOUT_PREFIX.length));
      await this.removeExisting(hidden);
      this.whiteouts.add(hidden);
      return;
    }
    const path = join(this.dest, rel);
    this.whiteouts.delete(rel);
    switch (h.type) {
      case 'directory': {
        const existing = await lstatOrNull(path);
        if (existing && !existing.isDirectory()) await this.removeExisting(rel);
        if (!existing || !existing.isDirectory()) await mkdir(path, { mode: 0o755 });
        this.knownDirs.add(rel);
        await this.setOwnerAndMode(path, h);
        this.setDirMeta(rel, h);
        return;
      }
      case 'file':
      case 'contiguous-file': {
        await this.removeExisting(rel);
        await pipeline(body, createWriteStream(path, { mode: 0o600 }));
        this.size += h.size ?? 0;
        await this.setOwnerAndMode(path, h);
        await this.setTimes(path, h, false);
        return;
      }
      case 'symlink': {
        checkSymlinkTarget(rel, h.linkname ?? '');
        await this.removeExisting(rel);
        await symlink(h.linkname as string, path);
        if (this.chown) await lchown(path, h.uid ?? 0, h.gid ?? 0);
        await this.setTimes(path, h, true);
        return;
      }
      case 'link': {
        const target = hardLinkTarget(rel, h.linkname ?? '');
        const targetDir = posix.dirname(target) === '.' ? '' : posix.dirname(target);
        await this.checkNoSymlinkIn(targetDir, rel);
        const targetStat = await lstatOrNull(join(this.dest, target));
        if (!targetStat || targetStat.isDirectory()) {
          throw new LayerFormatError(`layer tar entry "${h.name}" is a hard link to "${h.linkname}", which is not an earlier file of the same layer`);
        }
        await this.removeExisting(rel);
        await link(join(this.dest, target), path);
        return;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        await this.removeExisting(rel);
        if (h.type === 'fifo') await run('mkfifo', [path]);
        else await run('mknod', [path, h.type === 'block-device' ? 'b' : 'c', String(h.devmajor ?? 0), String(h.devminor ?? 0)]);
        await this.setOwnerAndMode(path, h);
        await this.setTimes(path, h, false);
        return;
      }
      default:
        // pax/GNU metadata entries are folded into headers by tar-stream; anything else carries no file.
        return;
    }
  }

  /** Creates the parent directories of an entry, refusing to go through symlinks. */
  private async ensureDir(dir: string, entry: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const parts = dir.split('/');
    let current = '';
    for (const part of parts) {
      current = current ? `${current}/${part}` : part;
      if (this.knownDirs.has(current)) continue;
      const p = join(this.dest, current);
      const st = await lstatOrNull(p);
      if (!st) await mkdir(p, { mode: 0o755 });
      else if (st.isSymbolicLink()) {
        throw new UnsafeEntryError(`layer tar entry "${entry}" goes through the symlink "${current}", which could point outside the layer; refusing to unpack it`);
      } else if (!st.isDirectory()) {
        await rm(p, { force: true });
        await mkdir(p, { mode: 0o755 });
      }
      this.knownDirs.add(current);
    }
  }

  private async checkNoSymlinkIn(dir: string, entry: string): Promise<void> {
    if (dir === '' || this.knownDirs.has(dir)) return;
    let current = '';
    for (const part of dir.split('/')) {
      current = current ? `${current}/${part}` : part;
      const st = await lstatOrNull(join(this.dest, current));
      if (st?.isSymbolicLink()) {
        throw new UnsafeEntryError(`layer tar entry "${entry}" links through the symlink "${current}"; refusing to unpack it`);
      }
    }
  }

  private async removeExisting(rel: string): Promise<void> {
    const p = join(this.dest, rel);
    const st = await lstatOrNull(p);
    if (!st) return;
    await rm(p, { recursive: true, force: true });
    if (st.isDirectory()) {
      for (const d of this.knownDirs) if (d === rel || d.startsWith(`${rel}/`)) this.knownDirs.delete(d);
      for (const d of this.dirTimes.keys()) if (d === rel || d.startsWith(`${rel}/`)) this.dirTimes.delete(d);
    }
  }

  private async setOwnerAndMode(path: string, h: Entry): Promise<void> {
    // chown first: it clears setuid/setgid bits, which chmod then restores.
    if (this.chown) await lchown(path, h.uid ?? 0, h.gid ?? 0);
    if (h.mode !== undefined) await chmod(path, h.mode & 0o7777);
  }

  private async setTimes(path: string, h: Entry, isLink: boolean): Promise<void> {
    const mtime = h.mtime ?? new Date(0);
    if (isLink) await lutimes(path, mtime, mtime);
    else await utimes(path, mtime, mtime);
  }

  private setDirMeta(rel: string, h: Entry): void {
    this.dirTimes.set(rel, h.mtime ?? new Date(0));
  }

  async finish(lowerDirs: string[]): Promise<void> {
    for (const dir of this.opaqueDirs) await this.hideLower(dir, lowerDirs);
    const pending = [...this.whiteouts];
    // mknod has no Node API; batch the (rare) whiteouts into few processes.
    for (let i = 0; i < pending.length; i += 200) {
      const paths = pending.slice(i, i + 200).map((rel) => join(this.dest, rel));
      try {
        await run('/bin/sh', ['-c', 'for p; do [ -e "$p" ] || [ -L "$p" ] || mknod "$p" c 0 0 || exit 1; done', 'sh', ...paths]);
      } catch (err) {
        throw new InvalidError(`could not create whiteouts in the layer (creating device nodes needs root): ${(err as Error).message.trim()}`);
      }
    }
    // Deepest first, after all children were written, so the directory mtimes stick.
    const dirs = [...this.dirTimes.entries()].sort((a, b) => b[0].split('/').length - a[0].split('/').length);
    for (const [rel, mtime] of dirs) {
      const p = join(this.dest, rel);
      if (await lstatOrNull(p)) await utimes(p, mtime, mtime);
    }
  }

  /** Names the lower layers have under `dir` get a whiteout unless this layer has them; shared subdirs recurse. */
  private async hideLower(dir: string, lowerDirs: string[]): Promise<void> {
    const names = new Set<string>();
    for (const lower of lowerDirs) {
      try {
        for (const name of await readdir(join(lower, dir))) names.add(name);
      } catch {
        // Missing or not a directory in that layer.
      }
    }
    for (const name of names) {
      const rel = dir ? `${dir}/${name}` : name;
      const st = await lstatOrNull(join(this.dest, rel));
      if (!st) this.whiteouts.add(rel);
      else if (st.isDirectory()) await this.hideLower(rel, lowerDirs);
    }
  }
}

async function lstatOrNull(p: string): Promise<import('node:fs').Stats | null> {
  try {
    return await lstat(p);
  } catch {
    return null;
  }
}
