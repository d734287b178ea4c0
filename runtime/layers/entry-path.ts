// Safety checks for tar entry names and link targets: nothing may land, or point, outside the layer.
import { posix } from 'node:path';
import { InvalidError } from '../errdefs.js';

export class UnsafeEntryError extends InvalidError {}

/** A tar entry name as a clean relative path ('' for the root itself). */
export function entryPath(name: string): string {
  if (name.startsWith('/')) throw new UnsafeEntryError(`layer tar entry "${name}" has an absolute path; refusing to unpack it`);
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') throw new UnsafeEntryError(`layer tar entry "${name}" contains "..", which would place it outside the layer; refusing to unpack it`);
    parts.push(part);
  }
  return parts.join('/');
}

/** Hard link targets are archive paths and must stay inside the archive. */
export function hardLinkTarget(entry: string, linkname: string): string {
  try {
    const target = entryPath(linkname);
    if (target === '') throw new UnsafeEntryError('empty');
    return target;
  } catch {
    throw new UnsafeEntryError(`layer tar entry "${entry}" is a hard link to "${linkname}", which is outside the layer; refusing to unpack it`);
  }
}

/**
 * Absolute symlink targets are fine: they resolve inside the container's root. Relative ones must not climb
 * above the layer root, where they would point at the host while the layer is being handled.
 */
export function checkSymlinkTarget(entry: string, linkname: string): void {
  if (linkname === '') throw new UnsafeEntryError(`layer tar entry "${entry}" is a symlink with an empty target`);
  if (linkname.startsWith('/')) return;
  if (escapes(posix.dirname(entry), linkname)) {
    throw new UnsafeEntryError(`layer tar entry "${entry}" is a symlink to "${linkname}", which points outside the layer; refusing to unpack it`);
  }
}

function escapes(dir: string, target: string): boolean {
  let depth = dir === '.' || dir === '' ? 0 : dir.split('/').filter((p) => p && p !== '.').length;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      depth--;
      if (depth < 0) return true;
    } else depth++;
  }
  return false;
}
