// ADD's local archive handling: a source that is a tar (plain, gzip, bzip2, xz or zstd) is unpacked
// into the destination instead of copied. Like Docker, "is a tar" means "the first header reads".
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { decompressContext } from '../context/decompress.js';
import { detectCompression } from '../../layers/decompress.js';
import type { FileTree, TreeEntry } from '../fs/file-tree.js';

/** True when the file entry holds a tar archive, possibly compressed. */
export async function isArchive(tree: FileTree, e: TreeEntry): Promise<boolean> {
  const head = await tree.readHead(e, 512);
  if (head.length === 0) return false;
  if (detectCompression(head) === 'none') return head.length === 512 && tarChecksumOk(head);
  // Compressed: it is an archive when the decompressed stream starts with a valid tar header.
  try {
    const stream = await decompressContext(tree.open(e), 'archive');
    const first = await readFirst(stream, 512);
    stream.destroy();
    return first.length === 512 && tarChecksumOk(first);
  } catch {
    return false;
  }
}

async function readFirst(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let len = 0;
  for await (const c of stream) {
    chunks.push(c as Buffer);
    len += (c as Buffer).length;
    if (len >= n) break;
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** The header checksum of a ustar/GNU/v7 header block is right (what Go's tar reader checks first). */
export function tarChecksumOk(block: Buffer): boolean {
  const field = block.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim();
  if (!/^[0-7]+$/.test(field)) return false;
  const expected = parseInt(field, 8);
  let unsigned = 0;
  for (let i = 0; i < 512; i++) unsigned += i >= 148 && i < 156 ? 32 : block[i];
  return unsigned === expected;
}

export type ArchiveEntry = AsyncIterable<Buffer> & { header: tar.Header; resume(): unknown };

/** The entries of the (possibly compressed) archive in file entry `e`. */
export async function* archiveEntries(tree: FileTree, e: TreeEntry): AsyncGenerator<ArchiveEntry> {
  const stream = await decompressContext(tree.open(e), 'archive');
  const extract = tar.extract();
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  for await (const entry of extract) yield entry as ArchiveEntry;
}
