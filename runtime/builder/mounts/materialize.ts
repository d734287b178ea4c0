// Writes a folder of a FileTree (the build context, or an image's merged layers) out as real files,
// for what a RUN step mounts from it: bind mounts and the files a cache mount starts with. Owners,
// modes and times are kept; devices and other special files are left out.
import { createWriteStream } from 'node:fs';
import { chmod, lchown, lutimes, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FileTree, TreeEntry } from '../fs/file-tree.js';

/** Copies the tree at `rel` (a folder or a file) to `dest`, which must not exist yet. */
export async function materialize(tree: FileTree, rel: string, dest: string, signal?: AbortSignal): Promise<void> {
  const e = await tree.lstat(rel);
  if (!e) return;
  await write(tree, e, dest, signal);
}

async function write(tree: FileTree, e: TreeEntry, dest: string, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  if (e.type === 'dir') {
    await mkdir(dest);
    for (const name of await tree.readdir(e.path)) {
      const child = await tree.lstat(e.path ? `${e.path}/${name}` : name);
      if (child) await write(tree, child, join(dest, name), signal);
    }
  } else if (e.type === 'file') {
    await pipeline(tree.open(e), createWriteStream(dest, { mode: 0o600 }));
  } else if (e.type === 'symlink') {
    await symlink(await tree.readlink(e.path), dest);
  } else {
    return;
  }
  await lchown(dest, e.stat.uid, e.stat.gid);
  if (e.type !== 'symlink') await chmod(dest, e.stat.mode);
  await lutimes(dest, e.stat.mtime, e.stat.mtime);
}
