// An image's root filesystem as a FileTree, made of its unpacked layer directories the way overlayfs
// merges them, without mounting anything: the topmost layer holding a name wins, a 0/0 character
// device (the layer store's whiteout) hides the name below, and a non-directory hides a directory
// of the same name below.
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { lstat, open, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidError } from '../../errdefs.js';
import { cleanPath, readPath, resolvePath, statPath, type EntryType, type FileTree, type TreeEntry } from './file-tree.js';

export { cleanPath };

export interface ViewEntry extends TreeEntry {
  /** Where the bytes are on the host (the topmost layer holding the entry). */
  hostPath: string;
}

export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function typeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

function parentOf(rel: string): string {
  const d = posix.dirname(rel);
  return d === '.' ? '' : d;
}

export class UnionView implements FileTree {
  private readonly dirLayerCache = new Map<string, number[]>();
  private readonly entryCache = new Map<string, ViewEntry | null>();

  /** `layers`: unpacked layer directories, topmost first (LayerStore.lowerDirs order). */
  constructor(readonly layers: readonly string[]) {}

  async lstat(rel: string): Promise<ViewEntry | undefined> {
    rel = cleanPath(rel);
    const cached = this.entryCache.get(rel);
    if (cached !== undefined) return cached ?? undefined;
    const entry = await this.findEntry(rel);
    this.entryCache.set(rel, entry ?? null);
    return entry;
  }

  private async findEntry(rel: string): Promise<ViewEntry | undefined> {
    const candidates = rel === '' ? this.layers.map((_l, i) => i) : await this.dirLayers(parentOf(rel));
    for (const i of candidates) {
      const hostPath = join(this.layers[i], rel);
      const st = await lstatOrUndefined(hostPath);
      if (!st) continue;
      if (isWhiteout(st)) return undefined;
      return {
        path: rel, type: typeOf(st), hostPath,
        stat: { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: st.size, mtime: st.mtime },
      };
    }
    return undefined;
  }

  /** Indexes of the layers where `rel` is a visible directory, topmost first. */
  private async dirLayers(rel: string): Promise<number[]> {
    const cached = this.dirLayerCache.get(rel);
    if (cached) return cached;
    const out: number[] = [];
    const candidates = rel === '' ? this.layers.map((_l, i) => i) : await this.dirLayers(parentOf(rel));
    for (const i of candidates) {
      const st = await lstatOrUndefined(join(this.layers[i], rel));
      if (!st) continue;
      if (isWhiteout(st)) break;
      if (st.isDirectory()) {
        out.push(i);
        continue;
      }
      break; // a file or symlink hides any directory of that name below
    }
    this.dirLayerCache.set(rel, out);
    return out;
  }

  async readdir(rel: string): Promise<string[]> {
    rel = cleanPath(rel);
    const names = new Set<string>();
    const hidden = new Set<string>();
    for (const i of await this.dirLayers(rel)) {
      let dirents: Dirent[];
      try {
        dirents = await readdir(join(this.layers[i], rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const d of dirents) {
        if (names.has(d.name) || hidden.has(d.name)) continue;
        if (d.isCharacterDevice()) {
          const st = await lstatOrUndefined(join(this.layers[i], rel, d.name));
          if (st && isWhiteout(st)) {
            hidden.add(d.name);
            continue;
          }
        }
        names.add(d.name);
      }
    }
    return [...names].sort();
  }

  async readlink(rel: string): Promise<string> {
    const e = await this.lstat(rel);
    if (!e || e.type !== 'symlink') throw new InvalidError(`/${rel} is not a symlink`);
    return readlink(e.hostPath);
  }

  read(e: TreeEntry): Promise<Buffer> {
    return readFile((e as ViewEntry).hostPath);
  }

  open(e: TreeEntry): Readable {
    return createReadStream((e as ViewEntry).hostPath);
  }

  async readHead(e: TreeEntry, length: number): Promise<Buffer> {
    const fh = await open((e as ViewEntry).hostPath, 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, 0);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
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
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}
