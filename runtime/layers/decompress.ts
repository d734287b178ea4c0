// Tars arrive plain or compressed (layers: gzip or zstd; build contexts and ADD's archives: also xz and
// bzip2); the first bytes tell which. One sniffer and one set of decompressors for every reader.
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

export type Compression = 'none' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

type ProgramFormat = Exclude<Compression, 'none' | 'gzip'>;

/** The decompressing programs, their Debian packages; zstd's is overridable for tests of its absence. */
const PROGRAMS: Record<ProgramFormat, { program: () => string; args: string[]; pkg: string }> = {
  zstd: { program: () => process.env.BERTH_ZSTD ?? 'zstd', args: ['-d', '-c', '-q'], pkg: 'zstd' },
  xz: { program: () => 'xz', args: ['-d', '-c'], pkg: 'xz-utils' },
  bzip2: { program: () => 'bzip2', args: ['-d', '-c'], pkg: 'bzip2' },
};

const GUNZIP_CHUNK = 256 * 1024;

const MAGIC: { format: Exclude<Compression, 'none'>; bytes: number[] }[] = [
  { format: 'gzip', bytes: [0x1f, 0x8b] },
  { format: 'zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { format: 'bzip2', bytes: [0x42, 0x5a, 0x68] },
  { format: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
];

/** Which compression the first bytes of a stream show (Docker's archive.DetectCompression); 'none' for anything else. */
export function detectCompression(head: Buffer): Compression {
  return MAGIC.find((m) => head.length >= m.bytes.length && m.bytes.every((b, i) => head[i] === b))?.format ?? 'none';
}

export interface DecompressOptions {
  /** What the stream is, for messages: "layer" (the default), "build context", "archive". */
  what?: string;
  /** Compressions refused by name (a layer may be only plain, gzip or zstd, as the OCI image spec's media types say). */
  refuse?: readonly Compression[];
  /** What to tell the user to do once the missing program is installed. */
  retry?: string;
}

const LAYER: Required<DecompressOptions> = { what: 'layer', refuse: ['bzip2', 'xz'], retry: 'and pull again' };

/**
 * The decompressed content of `input`, whatever its compression (gzip in-process; zstd, xz and bzip2 through
 * their programs). Errors of either stream surface on the result.
 */
export async function openDecompressed(input: Readable, options: DecompressOptions = LAYER): Promise<{ stream: Readable; compression: Compression }> {
  const what = options.what ?? LAYER.what;
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
  if ((options.refuse ?? []).includes(compression)) {
    input.destroy();
    const allowed = (['gzip', 'zstd', 'xz', 'bzip2'] as const).filter((c) => !(options.refuse ?? []).includes(c));
    throw new InvalidError(`${compression}-compressed ${what}s are not supported; use a plain${allowed.length ? `, ${allowed.join('- or ')}-compressed` : ''} tar`);
  }
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
  if (compression !== 'gzip') return { stream: viaProgram(rest, compression, what, options.retry ?? ''), compression };
  // zlib's default 16 KiB output chunks cost a thread-pool round trip each; bigger ones unpack ~3x faster.
  const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
  // zlib's own errors (their code Z_DATA_ERROR, Z_BUF_ERROR) reach the reader as they are; readers name them.
  pipeline(rest, gunzip, (err) => {
    if (err && !gunzip.destroyed) gunzip.destroy(err);
  });
  return { stream: gunzip, compression };
}

/**
 * `zstd -d` (or xz's, bzip2's) as a stream: the output ends only once the program has exited cleanly, so a
 * corrupt or truncated input fails the stream (with the program's own words) instead of ending it early.
 */
function viaProgram(input: Readable, format: ProgramFormat, what: string, retry: string): Readable {
  const out = new PassThrough({ highWaterMark: GUNZIP_CHUNK });
  const { program, args, pkg } = PROGRAMS[format];
  const name = program();
  const child = spawn(name, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let failed: Error | undefined;
  const fail = (err: Error): void => {
    failed ??= err;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!out.destroyed) out.destroy(err);
  };
  child.on('error', (err: NodeJS.ErrnoException) => {
    fail(err.code === 'ENOENT'
      ? new InvalidError(`this ${what} is ${format}-compressed and the ${format} program is not installed; install it (Debian/Ubuntu: apt-get install ${pkg})${retry ? ` ${retry}` : ''}`)
      : new InvalidError(`cannot run ${name} to decompress the ${what}: ${err.message}`));
  });
  child.stderr.on('data', (c: Buffer) => { if (stderr.length < 4096) stderr += c.toString(); });
  // The program closing its input early (it failed) is reported by its exit status, not as EPIPE.
  child.stdin.on('error', () => undefined);
  pipeline(input, child.stdin, (err) => {
    if (err && !failed) fail(err);
  });
  child.stdout.pipe(out, { end: false });
  child.on('close', (code, signal) => {
    if (failed) return;
    if (code === 0) out.end();
    else fail(new InvalidError(`not a valid ${format}-compressed ${what}: ${stderr.trim().replace(/^[\w.-]+: /, '') || `${format} exited with ${code ?? signal}`}`));
  });
  // A consumer that stops reading (an aborted pull) ends the program too.
  out.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (!input.destroyed && !input.readableEnded) input.destroy();
  });
  return out;
}
