// The build context arrives as a plain tar or compressed (dockerode gzips it; `docker build - < ctx.tar.xz`
// sends the file as it is): gzip, bzip2, xz or zstd, read by the one decompressor (runtime/layers/decompress.ts).
import type { Readable } from 'node:stream';
import { openDecompressed } from '../../layers/decompress.js';

/** `input` decompressed. Errors of the decompressor surface on the returned stream. */
export async function decompressContext(input: Readable, what = 'build context'): Promise<Readable> {
  return (await openDecompressed(input, { what, retry: 'or send a plain or gzip-compressed tar' })).stream;
}
