// Layer tars arrive plain, gzip- or zstd-compressed; the first bytes tell which.
//
// zstd (`application/vnd.oci.image.layer.v1.tar+zstd`) goes through the `zstd` program: Node's own
// zstd (zlib.createZstdDecompress) exists only from Node 22.15 / 23.8, and Berth runs on Node 20 (and
// on whatever Node VS Code ships); the npm decoders are either native add-ons (zstd-napi,
// @mongodb-js/zstd: a build per platform) or pure JavaScript (fzstd: several times slower than the
// C decoder, and not a dependency here). The program is the reference C implementation, streams, is
// one small package on every distribution (Debian: zstd), and runs in its own process, so a hostile
// layer cannot stall the daemon's event loop. When Node 22.15 is the floor, zlib's is the better choice.
import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidError } from '../errdefs.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** Where the zstd program is looked up; overridable for tests of its absence. */
const zstdProgram = (): string => process.env.BERTH_ZSTD ?? 'zstd';

const GUNZIP_CHUNK = 256 * 1024;

const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
];

const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function detectCompression(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b)) return 'zstd';
  for (const m of MAGIC) {
    if (head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b)) {
      throw new InvalidError(`${m.name}-compressed layers are not supported; use a plain, gzip- or zstd-compressed tar`);
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
  if (compression === 'zstd') return { stream: unzstd(rest), compression };
  // zlib's default 16 KiB output chunks cost a thread-pool round trip each; bigger ones unpack ~3x faster.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  pipeline(rest, gunzip, (err) => {
    if (err && !gunzip.destroyed) gunzip.destroy(err);
  });
  return { stream: gunzip, compression };
}

/**
 * `zstd -d` as a stream: the output ends only once the program has exited cleanly, so a corrupt or
 * truncated layer fails the stream (with zstd's own words) instead of ending it early.
 */
function unzstd(input: Readable): Readable {
  const out = new PassThrough({ highWaterMark: GUNZIP_CHUNK });
  const child = spawn(zstdProgram(), ['-d', '-c', '-q'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let failed: Error | undefined;
  const fail = (err: Error): void => {
    failed ??= err;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!out.destroyed) out.destroy(err);
  };
  child.on('error', (err: NodeJS.ErrnoException) => {
    fail(err.code === 'ENOENT'
      ? new InvalidError(`this layer is zstd-compressed and the zstd program is not installed; install it (Debian/Ubuntu: apt-get install zstd) and pull again`)
      : new InvalidError(`cannot run zstd to decompress a layer: ${err.message}`));
  });
  child.stderr.on('data', (c: Buffer) => { if (stderr.length < 4096) stderr += c.toString(); });
  // zstd closing its input early (it failed) is reported by its exit status, not as EPIPE.
  child.stdin.on('error', () => undefined);
  pipeline(input, child.stdin, (err) => {
    if (err && !failed) fail(err);
  });
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (failed) return;
    if (code === 0) out.end();
    else fail(new InvalidError(`not a valid zstd-compressed layer: ${stderr.trim().replace(/^zstd: /, '') || `zstd exited with ${code ?? signal}`}`));
  });
  // A consumer that stops reading (an aborted pull) ends the program too.
  out.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!input.destroyed && !input.readableEnded) input.destroy();
  });
  return out;
}
