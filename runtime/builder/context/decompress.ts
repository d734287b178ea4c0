// The build context arrives as a plain tar or compressed (dockerode gzips it; `docker build - < ctx.tar.xz`
// sends the file as it is). gzip is handled in-process; bzip2, xz and zstd through the usual tools.
import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidError } from '../../errdefs.js';

type Format = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const TOOLS: Record<Exclude<Format, 'tar' | 'gzip'>, string> = { bzip2: 'bzip2', xz: 'xz', zstd: 'zstd' };

export function sniffFormat(head: Buffer): Format {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  if (head.length >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'tar';
}

/** `input` decompressed. Errors of the decompressor surface on the returned stream. */
export async function decompressContext(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < 6) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    head.push(r.value);
    len += r.value.length;
  }
  const first = Buffer.concat(head);
  const rest = Readable.from((async function* () {
    if (first.length) yield first;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  })(), { objectMode: false });
  const format = sniffFormat(first);
  if (format === 'tar') return rest;
  if (format === 'gzip') {
    const gunzip = createGunzip();
    pipeline(rest, gunzip, (err) => { if (err) gunzip.destroy(new InvalidError(`the build context is not a valid gzip stream: ${err.message}`)); });
    return gunzip;
  }
  return viaTool(rest, format, TOOLS[format]);
}

function viaTool(input: Readable, format: string, tool: string): Readable {
  const out = new PassThrough();
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.on('error', () => out.destroy(new InvalidError(`the build context is ${format}-compressed and ${tool} is not installed: send a plain or gzip-compressed tar`)));
  child.on('close', (code) => {
    if (code !== 0) out.destroy(new InvalidError(`the build context is not a valid ${format} stream: ${stderr.trim()}`));
  });
  child.stdin.on('error', () => undefined);
  input.pipe(child.stdin);
  input.on('error', (err) => out.destroy(err));
  child.stdout.pipe(out);
  return out;
}
