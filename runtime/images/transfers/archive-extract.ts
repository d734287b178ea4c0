// Unpacks an uploaded image archive (docker save tar or OCI layout, plain or gzip) into a temp folder,
// refusing unsafe names. Symlinks (docker save links identical layer.tar files) are kept as a map
// and resolved inside the archive, never on disk.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { asDiskFull, InvalidError, isDiskFull } from '../../errdefs.js';
import { openDecompressed } from '../../layers/decompress.js';

export class ArchiveFormatError extends InvalidError {}

export interface ExtractedArchive {
  dir: string;
  files: Set<string>;
  /** Archive path -> resolved archive path of a regular file. */
  resolve(path: string): string;
  has(path: string): boolean;
  localPath(path: string): string;
}

export async function extractArchive(input: Readable, dir: string): Promise<ExtractedArchive> {
  const files = new Set<string>();
  const links = new Map<string, string>();
  const { stream } = await openDecompressed(input);
  const extract = tar.extract();
  const feeding = pipeline(stream, extract);
  const failed = new Promise<never>((_resolve, reject) => feeding.catch(reject));
  failed.catch(() => undefined);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      const name = archivePath(h.name);
      try {
        if (name === '') continue;
        if (h.type === 'directory') {
          await mkdir(join(dir, name), { recursive: true });
        } else if (h.type === 'file' || h.type === 'contiguous-file') {
          await mkdir(join(dir, posix.dirname(name)), { recursive: true });
          await Promise.race([pipeline(entry as AsyncIterable<Buffer>, createWriteStream(join(dir, name))), failed]);
          files.add(name);
        } else if (h.type === 'symlink' || h.type === 'link') {
          const target = h.type === 'link' ? h.linkname : posix.join(posix.dirname(name), h.linkname);
          links.set(name, archivePath(target));
        }
      } finally {
        entry.resume();
      }
    }
    await feeding;
  } catch (err) {
    extract.destroy();
    if (err instanceof InvalidError) throw err;
    if (isDiskFull(err)) throw asDiskFull(err, 'unpacking the image archive');
    throw new ArchiveFormatError(`the image archive is not a valid tar (or gzip) file: ${(err as Error).message}`);
  }
  const resolve = (path: string): string => {
    let p = archivePath(path);
    for (let hops = 0; hops < 16; hops++) {
      if (files.has(p)) return p;
      const next = links.get(p);
      if (next === undefined) break;
      p = next;
    }
    throw new ArchiveFormatError(`the image archive has no file "${path}"`);
  };
  return {
    dir,
    files,
    resolve,
    has: (path) => {
      try {
        resolve(path);
        return true;
      } catch {
        return false;
      }
    },
    localPath: (path) => join(dir, resolve(path)),
  };
}

function archivePath(name: string): string {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' || name.startsWith('/')) {
      throw new ArchiveFormatError(`the image archive has an entry "${name}" outside the archive; refusing to load it`);
    }
    parts.push(part);
  }
  return parts.join('/');
}
