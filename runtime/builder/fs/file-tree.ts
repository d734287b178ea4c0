// A read-only tree of files COPY and ADD take from: the build context (kept as its tar) or an image
// (its unpacked layers). Paths are relative, without a leading slash; '' is the root.
import type { Readable } from 'node:stream';
import { InvalidError } from '../../errdefs.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface EntryStat {
  /** Permission and set-id bits (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: Date;
}

export interface TreeEntry {
  path: string;
  type: EntryType;
  stat: EntryStat;
}

export interface FileTree {
  /** The entry at `rel` (not following a final symlink), or undefined when absent. */
  lstat(rel: string): Promise<TreeEntry | undefined>;
  /** Names in the directory `rel`, sorted. */
  readdir(rel: string): Promise<string[]>;
  readlink(rel: string): Promise<string>;
  /** The whole content of a file entry. */
  read(e: TreeEntry): Promise<Buffer>;
  /** The content of a file entry as a stream. */
  open(e: TreeEntry): Readable;
  /** Up to `length` bytes from the start of a file entry. */
  readHead(e: TreeEntry, length: number): Promise<Buffer>;
}

const MAX_LINKS = 255;

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

/**
 * Resolves symlinks in `path` inside the tree (like moby's FollowSymlinkInScope): absolute targets
 * start at the tree's root and nothing climbs above it. With `followLast` false the final component
 * is kept as it is. Missing components are fine: the rest of the path is appended as written.
 */
export async function resolvePath(tree: FileTree, path: string, followLast = true): Promise<string> {
  const queue = path.split('/').filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  let links = 0;
  while (queue.length) {
    const part = queue.shift() as string;
    if (part === '..') {
      out.pop();
      continue;
    }
    if (!followLast && queue.length === 0) {
      out.push(part);
      break;
    }
    const candidate = [...out, part].join('/');
    const e = await tree.lstat(candidate);
    if (e?.type !== 'symlink') {
      out.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new InvalidError(`too many levels of symbolic links resolving /${path}`);
    const target = await tree.readlink(candidate);
    if (target.startsWith('/')) out.length = 0;
    queue.unshift(...target.split('/').filter((p) => p !== '' && p !== '.'));
  }
  return out.join('/');
}

/** The entry at `path` after resolving every symlink, or undefined. */
export async function statPath(tree: FileTree, path: string): Promise<TreeEntry | undefined> {
  return tree.lstat(await resolvePath(tree, path));
}

/** The content of the file at `path` (symlinks followed), or undefined when it is not a file. */
export async function readPath(tree: FileTree, path: string): Promise<Buffer | undefined> {
  const e = await statPath(tree, path);
  if (!e || e.type !== 'file') return undefined;
  return tree.read(e);
}
