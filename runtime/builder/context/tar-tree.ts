// The indexed context tar as a FileTree: entries and folder listings from the index, file contents
// read from the tar file at their offsets.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidError } from '../../errdefs.js';
import { cleanPath, readPath, resolvePath, statPath, type FileTree, type TreeEntry } from '../fs/file-tree.js';
import type { ContextIndex, IndexedEntry } from './context-index.js';

export interface ContextEntry extends TreeEntry {
  indexed: IndexedEntry;
}

export class TarTree implements FileTree {
  private readonly children = new Map<string, string[]>();
  private fh: Promise<FileHandle> | undefined;

  constructor(private readonly file: string, private readonly index: ContextIndex) {
    this.reindex();
  }

  /** Recomputes folder listings (after entries were removed). */
  reindex(): void {
    this.children.clear();
    for (const path of this.index.entries.keys()) {
      if (path === '') continue;
      const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
      let list = this.children.get(dir);
      if (!list) this.children.set(dir, (list = []));
      list.push(posix.basename(path));
    }
    for (const list of this.children.values()) list.sort();
  }

  /** The content hash the index holds for `path`. */
  hashOf(path: string): string | undefined {
    return this.index.entries.get(path)?.hash;
  }

  async lstat(rel: string): Promise<ContextEntry | undefined> {
    const path = cleanPath(rel);
    const indexed = this.index.entries.get(path);
    return indexed ? { path, type: indexed.type, stat: indexed.stat, indexed } : undefined;
  }

  async readdir(rel: string): Promise<string[]> {
    return [...(this.children.get(cleanPath(rel)) ?? [])];
  }

  async readlink(rel: string): Promise<string> {
    const e = this.index.entries.get(cleanPath(rel));
    if (e?.type !== 'symlink') throw new InvalidError(`/${rel} is not a symlink`);
    return e.linkname ?? '';
  }

  async read(e: TreeEntry): Promise<Buffer> {
    return this.readAt(e, e.stat.size);
  }

  async readHead(e: TreeEntry, length: number): Promise<Buffer> {
    return this.readAt(e, Math.min(length, e.stat.size));
  }

  open(e: TreeEntry): Readable {
    const offset = this.offsetOf(e);
    if (e.stat.size === 0) return Readable.from([]);
    return createReadStream(this.file, { start: offset, end: offset + e.stat.size - 1 });
  }

  resolve(path: string, followLast = true): Promise<string> {
    return resolvePath(this, path, followLast);
  }

  stat(path: string): Promise<TreeEntry | undefined> {
    return statPath(this, path);
  }

  readFile(path: string): Promise<Buffer | undefined> {
    return readPath(this, path);
  }

  async close(): Promise<void> {
    if (this.fh) await (await this.fh).close().catch(() => undefined);
    this.fh = undefined;
  }

  private offsetOf(e: TreeEntry): number {
    const offset = (e as ContextEntry).indexed?.offset;
    if (e.type !== 'file' || offset === undefined) throw new InvalidError(`/${e.path} is not a file of the build context`);
    return offset;
  }

  private async readAt(e: TreeEntry, length: number): Promise<Buffer> {
    const offset = this.offsetOf(e);
    this.fh ??= open(this.file, 'r');
    const fh = await this.fh;
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) throw new InvalidError(`the build context ended inside /${e.path}`);
      done += bytesRead;
    }
    return buf;
  }
}
