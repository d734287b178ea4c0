// Content hashes of COPY/ADD sources for the step cache, in the legacy builder's shape:
// `file:<hash>` for a file, `dir:<hash of its entries>` for a folder, `multi:<hash>` for several.
// Context files were hashed while the context was read; image files are hashed on demand and
// remembered per image (an image never changes).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { entryHash } from '../context/context-index.js';
import type { FileTree, TreeEntry } from '../fs/file-tree.js';

export interface HashSource {
  tree: FileTree;
  /** Precomputed hashes by path (the build context), if any. */
  known?: (path: string) => string | undefined;
  /** Cache of computed hashes, shared for an image. */
  memo?: Map<string, string>;
}

export async function entryContentHash(src: HashSource, e: TreeEntry): Promise<string> {
  const known = src.known?.(e.path) ?? src.memo?.get(e.path);
  if (known) return known;
  const st = e.stat;
  let h: string;
  if (e.type === 'file') {
    const hash = createHash('sha256').update(`file\0${st.mode.toString(8)}\0${st.uid}\0${st.gid}\0\0`);
    for await (const chunk of src.tree.open(e)) hash.update(chunk as Buffer);
    h = hash.digest('hex');
  } else if (e.type === 'symlink') {
    h = entryHash('symlink', 0o777, st.uid, st.gid, await src.tree.readlink(e.path), undefined);
  } else {
    h = entryHash(e.type, st.mode, st.uid, st.gid, '', undefined);
  }
  src.memo?.set(e.path, h);
  return h;
}

/** `dir:` hash: every entry below `dir` (path, type, mode, owner, content). */
export async function dirContentHash(src: HashSource, dir: TreeEntry): Promise<string> {
  const memoKey = `dir:${dir.path}`;
  const memo = src.memo?.get(memoKey);
  if (memo) return memo;
  const parts: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of await src.tree.readdir(rel)) {
      const path = rel ? `${rel}/${name}` : name;
      const e = await src.tree.lstat(path);
      if (!e) continue;
      const sub = posix.relative(dir.path || '.', path) || name;
      if (e.type === 'dir') {
        parts.push(`${sub}:dir:${e.stat.mode.toString(8)}:${e.stat.uid}:${e.stat.gid}`);
        await walk(path);
      } else {
        parts.push(`${sub}:${await entryContentHash(src, e)}`);
      }
    }
  };
  await walk(dir.path);
  parts.sort();
  const h = `dir:${createHash('sha256').update(parts.join(',')).digest('hex')}`;
  src.memo?.set(memoKey, h);
  return h;
}

/** The legacy builder's cache string for all sources of one COPY/ADD. */
export function combinedHash(hashes: string[]): string {
  if (hashes.length === 1) return hashes[0];
  return `multi:${createHash('sha256').update(hashes.join(',')).digest('hex')}`;
}
