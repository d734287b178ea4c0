// A read-only view of a root filesystem made of unpacked layer directories, the way overlayfs
// merges them, without mounting anything: the topmost layer holding a name wins, a 0/0 character
// device (the layer store's whiteout) hides the name below, and a non-directory hides a directory
// of the same name below. The build context is a view with one layer. Symlinks are resolved inside
// the view (an absolute target starts at the view's root), never on the host.
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidError } from '../../errdefs.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface ViewEntry {
  /** Path inside the view, no leading slash ('' is the root). */
  path: string;
  type: EntryType;
  stats: Stats;
  /** Where the bytes are on the host (the topmost layer holding the entry). */
  hostPath: string;
}

const MAX_LINKS = 255;

export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

function typeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}

/** A clean relative path: no leading slash, no `.`; `..` stops at the root. */
export function cleanPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

function parentOf(rel: string): string {
  const d = posix.dirname(rel);
  return d === '.' ? '' : d;
}

export class UnionView {
  private readonly dirLayerCache = new Map<string, number[]>();
  private readonly entryCache = new Map<string, ViewEntry | null>();

  /** `layers`: unpacked layer directories, topmost first (LayerStore.lowerDirs order). */
  constructor(readonly layers: readonly string[]) {}

  /** The entry at `rel` (not following a final symlink), or undefined when absent. */
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
      return { path: rel, type: typeOf(st), stats: st, hostPath };
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

  /** Names in the directory `rel` (merged, whiteouts applied), sorted. */
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

  /**
   * Resolves symlinks in `path` inside the view (like moby's FollowSymlinkInScope). With
   * `followLast` false the final component is kept as it is. Missing components are fine: the
   * rest of the path is appended as written.
   */
  async resolve(path: string, followLast = true): Promise<string> {
    const queue = path.split('/').filter((p) => p !== '' && p !== '.');
    const out: string[] = [];
    let links = 0;
    while (queue.length) {
      const part = queue.shift() as string;
      if (part === '..') {
        out.pop();
        continue;
      }
      const candidate = [...out, part].join('/');
      if (!followLast && queue.length === 0) {
        out.push(part);
        break;
      }
      const e = await this.lstat(candidate);
      if (e?.type !== 'symlink') {
        out.push(part);
        continue;
      }
      if (++links > MAX_LINKS) throw new InvalidError(`too many levels of symbolic links resolving /${path}`);
      const target = await readlink(e.hostPath);
      if (target.startsWith('/')) out.length = 0;
      queue.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
    }
    return out.join('/');
  }

  /** The entry at `path` after resolving every symlink, or undefined. */
  async stat(path: string): Promise<ViewEntry | undefined> {
    return this.lstat(await this.resolve(path));
  }

  async readFile(path: string): Promise<Buffer | undefined> {
    const e = await this.stat(path);
    if (!e || e.type !== 'file') return undefined;
    return readFile(e.hostPath);
  }

  async readlink(rel: string): Promise<string> {
    const e = await this.lstat(rel);
    if (!e || e.type !== 'symlink') throw new InvalidError(`/${rel} is not a symlink`);
    return readlink(e.hostPath);
  }
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch {
    return undefined;
  }
}
