// One sniffer and one decompressor for layers, build contexts and ADD's archives: every format by its
// magic, layers refusing xz and bzip2 by name, a context taking them, a broken stream failing the read.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { detectCompression, openDecompressed } from '../../../runtime/layers/decompress.js';
import { decompressContext } from '../../../runtime/builder/context/decompress.js';

const plain = Buffer.alloc(100_000, 'berth ');

function compress(program: string): Buffer | undefined {
  const r = spawnSync(program, ['-c'], { input: plain, maxBuffer: 16 * 1024 * 1024 });
  if (r.status === 0) return r.stdout;
  if (process.env.CI === 'true') throw new Error(`${program} is not installed; CI must provide it`);
  return undefined;
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('each compression is known by its first bytes', () => {
  assert.equal(detectCompression(gzipSync(plain)), 'gzip');
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), 'xz');
  assert.equal(detectCompression(Buffer.from('ustar')), 'none');
  assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
});

test('a build context (and an ADD archive) may be xz or bzip2; a layer may not', async (t) => {
  for (const program of ['xz', 'bzip2']) {
    const packed = compress(program);
    if (!packed) { t.skip(`${program} is not installed`); continue; }
    assert.deepEqual(await readAll(await decompressContext(Readable.from([packed]))), plain, program);
    await assert.rejects(openDecompressed(Readable.from([packed])), new RegExp(`${program}-compressed layers are not supported; use a plain, gzip- or zstd-compressed tar`));
  }
  assert.deepEqual(await readAll(await decompressContext(Readable.from([gzipSync(plain)]))), plain);
  assert.deepEqual(await readAll(await decompressContext(Readable.from([plain]))), plain);
});

test('a broken compressed context says which format it is not', async (t) => {
  await assert.rejects(readAll(await decompressContext(Readable.from([Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6])]))), (err: NodeJS.ErrnoException) => err.code === 'Z_DATA_ERROR');
  const packed = compress('xz');
  if (!packed) return t.skip('xz is not installed');
  await assert.rejects(readAll(await decompressContext(Readable.from([packed.subarray(0, packed.length - 30)]))), /not a valid xz-compressed build context/);
});
