// The build context is not unpacked: its (decompressed) tar is written to one file as it arrives,
// and every entry is indexed with where its bytes are and a content hash for the step cache. COPY
// then reads straight from that file, so a large context costs one sequential write instead of a
// file creation per entry. Entries that would land outside the context, or below a symlink, and
// hard links to anything but an earlier file are refused, as unpacking would have to.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { asDiskFull, InvalidError, isDiskFull } from '../../errdefs.js';
import type { EntryStat, EntryType } from '../fs/file-tree.js';
import { decompressContext } from './decompress.js';

export class ContextFormatError extends InvalidError {}

export interface IndexedEntry {
  type: EntryType;
  stat: EntryStat;
  /** Symlink target. */
  linkname?: string;
  /** Files: where the content starts in the tar file. */
  offset?: number;
  /** Content hash for the cache (files and symlinks). */
  hash?: string;
}

export interface ContextIndex {
  /** Entries by clean relative path; folders the tar only implies are there too. */
  entries: Map<string, IndexedEntry>;
  /** Bytes of file content. */
  size: number;
}

/** A context entry name as a clean relative path; throws on `..`. */
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

/** Hash of one entry as the cache sees it: type, mode, owner, link target and content. */
export function entryHash(type: string, mode: number, uid: number, gid: number, linkname: string, content: Buffer | undefined): string {
  const h = createHash('sha256');
  h.update(hashPrefix(type, mode, uid, gid, linkname));
  if (content) h.update(content);
  return h.digest('hex');
}

function hashPrefix(type: string, mode: number, uid: number, gid: number, linkname: string): string {
  return `${type}\0${(mode & 0o7777).toString(8)}\0${uid}\0${gid}\0${linkname}\0`;
}

const IMPLIED_DIR: EntryStat = { mode: 0o755, uid: 0, gid: 0, size: 0, mtime: new Date(0) };

/** Writes the decompressed context to `tarFile` and indexes it. */
export async function indexContext(input: Readable, tarFile: string): Promise<ContextIndex> {
  const stream = await decompressContext(input);
  const extract = tar.extract();
  const file = createWriteStream(tarFile);
  const writing = finished(file);
  writing.catch((err: unknown) => extract.destroy(err as Error));
  // `docker build -f - DIR` sends a tar that stops right after the last file's bytes, without the
  // padding and end blocks (Docker Engine reads it anyway). The parser gets them added; a context
  // that really ends inside a file is caught below by its length.
  let total = 0;
  const padded = new Transform({
    transform(chunk: Buffer, _enc, done) { total += chunk.length; done(null, chunk); },
    flush(done) { done(null, Buffer.alloc(((512 - (total % 512)) % 512) + 1024)); },
  });
  stream.on('error', (err) => { file.destroy(err); extract.destroy(err); });
  // Both get every byte; pipe() pauses the source while either is behind.
  stream.pipe(file);
  stream.pipe(padded).pipe(extract);
  const index: ContextIndex = { entries: new Map([['', { type: 'dir', stat: IMPLIED_DIR }]]), size: 0 };
  try {
    for await (const entry of extract) await add(index, entry as TarEntry);
    await writing;
    for (const [path, e] of index.entries) {
      if (e.offset !== undefined && e.offset + e.stat.size > total) throw new ContextFormatError(`the build context is not a valid tar stream: it ends inside "${path}"`);
    }
  } catch (err) {
    extract.destroy();
    file.destroy();
    await writing.catch(() => undefined);
    if (err instanceof InvalidError) throw err;
    if (isDiskFull(err)) throw asDiskFull(err, 'storing the build context');
    throw new ContextFormatError(`the build context is not a valid tar stream: ${(err as Error).message}`);
  }
  return index;
}

type TarEntry = AsyncIterable<Buffer> & { header: tar.Header; offset: number; resume(): unknown };

async function add(index: ContextIndex, entry: TarEntry): Promise<void> {
  const h = entry.header;
  const rel = contextEntryPath(h.name);
  const stat: EntryStat = { mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: 0, mtime: h.mtime ?? new Date(0) };
  if (rel === '') {
    entry.resume();
    if (h.type === 'directory') index.entries.set('', { type: 'dir', stat });
    return;
  }
  ensureParents(index, rel, h.name);
  switch (h.type) {
    case 'directory':
      entry.resume();
      if (index.entries.get(rel)?.type !== 'dir') replace(index, rel);
      index.entries.set(rel, { type: 'dir', stat });
      return;
    case 'file':
    case 'contiguous-file': {
      const hash = createHash('sha256').update(hashPrefix('file', stat.mode, stat.uid, stat.gid, ''));
      let size = 0;
      for await (const chunk of entry) {
        hash.update(chunk);
        size += chunk.length;
      }
      replace(index, rel);
      index.size += size;
      // Content follows the entry's header block.
      index.entries.set(rel, { type: 'file', stat: { ...stat, size }, offset: entry.offset + 512, hash: hash.digest('hex') });
      return;
    }
    case 'symlink':
      entry.resume();
      replace(index, rel);
      index.entries.set(rel, {
        type: 'symlink', stat: { ...stat, mode: 0o777 }, linkname: h.linkname ?? '',
        hash: entryHash('symlink', 0o777, stat.uid, stat.gid, h.linkname ?? '', undefined),
      });
      return;
    case 'link': {
      entry.resume();
      const target = contextEntryPath(h.linkname ?? '');
      const t = index.entries.get(target);
      if (!target || t?.type !== 'file') {
        throw new ContextFormatError(`the build context tar has a hard link "${h.name}" to "${h.linkname}", which is not an earlier file of the context; refusing to build`);
      }
      replace(index, rel);
      index.entries.set(rel, { ...t, stat: { ...t.stat } });
      return;
    }
    default:
      // Devices, FIFOs and metadata-only entries carry nothing a build copies.
      entry.resume();
  }
}

/** Parent folders of an entry; an entry below a symlink is refused (unpacking would write through it). */
function ensureParents(index: ContextIndex, rel: string, name: string): void {
  let current = '';
  const dir = posix.dirname(rel);
  if (dir === '.') return;
  for (const part of dir.split('/')) {
    current = current ? `${current}/${part}` : part;
    const e = index.entries.get(current);
    if (e?.type === 'dir') continue;
    if (e?.type === 'symlink') {
      throw new ContextFormatError(`the build context tar has an entry "${name}" below the symlink "${current}"; refusing to build`);
    }
    if (e) replace(index, current);
    index.entries.set(current, { type: 'dir', stat: IMPLIED_DIR });
  }
}

/** A later entry of the same name replaces the earlier one (and a folder's content with it). */
function replace(index: ContextIndex, rel: string): void {
  const old = index.entries.get(rel);
  if (!old) return;
  index.entries.delete(rel);
  if (old.type === 'dir') for (const k of [...index.entries.keys()]) if (k.startsWith(`${rel}/`)) index.entries.delete(k);
}
