// Content hashes of COPY/ADD sources for the step cache, in the legacy builder's shape:
// `file:<hash>` for a file, `dir:<hash of its entries>` for a folder, `multi:<hash>` for several.
// Context files were hashed while the context was unpacked; image files are hashed on demand and
// remembered per image (an image never changes).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { entryHash } from '../context/extract.js';
import type { UnionView, ViewEntry } from '../fs/union-view.js';

export interface HashSource {
  view: UnionView;
  /** Precomputed hashes by path (the build context), if any. */
  known?: ReadonlyMap<string, string>;
  /** Cache of computed hashes, shared for an image. */
  memo?: Map<string, string>;
}

export async function entryContentHash(src: HashSource, e: ViewEntry): Promise<string> {
  const known = src.known?.get(e.path) ?? src.memo?.get(e.path);
  if (known) return known;
  const st = e.stats;
  let h: string;
  if (e.type === 'file') h = await fileHash(e.hostPath, st.mode, st.uid, st.gid);
  else if (e.type === 'symlink') h = entryHash('symlink', 0o777, st.uid, st.gid, await readlink(e.hostPath), undefined);
  else h = entryHash(e.type, st.mode, st.uid, st.gid, '', undefined);
  src.memo?.set(e.path, h);
  return h;
}

async function fileHash(path: string, mode: number, uid: number, gid: number): Promise<string> {
  const h = createHash('sha256');
  h.update(`file\0${(mode & 0o7777).toString(8)}\0${uid}\0${gid}\0\0`);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** `dir:` hash: every entry below `dir` (path, type, mode, owner, content). */
export async function dirContentHash(src: HashSource, dir: ViewEntry): Promise<string> {
  const memoKey = `dir:${dir.path}`;
  const memo = src.memo?.get(memoKey);
  if (memo) return memo;
  const parts: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of await src.view.readdir(rel)) {
      const path = rel ? `${rel}/${name}` : name;
      const e = await src.view.lstat(path);
      if (!e) continue;
      const sub = posix.relative(dir.path || '.', path) || name;
      if (e.type === 'dir') {
        parts.push(`${sub}:dir:${(e.stats.mode & 0o7777).toString(8)}:${e.stats.uid}:${e.stats.gid}`);
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
