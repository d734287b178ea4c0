// zstd-compressed layers through the zstd program: round trip, corrupt and truncated input fail the
// stream (never a clean early end), and a missing program says what to install.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { openDecompressed } from '../../../runtime/layers/decompress.js';

const hasZstd = spawnSync('zstd', ['--version']).status === 0;
if (!hasZstd && process.env.CI === 'true') throw new Error('zstd is not installed (apt-get install zstd); CI must provide it');

function zstd(data: Buffer): Buffer {
  const r = spawnSync('zstd', ['-c', '-q', '-3'], { input: data, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr?.toString());
  return r.stdout;
}

async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function chunked(data: Buffer, size = 7000): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

describe('zstd layers', { skip: hasZstd ? false : 'zstd is not installed' }, () => {
  const plain = Buffer.concat([randomBytes(300_000), Buffer.alloc(2_000_000, 'a')]);

  it('are detected by their magic and decompressed as they stream', async () => {
    const { stream, compression } = await openDecompressed(chunked(zstd(plain)));
    assert.equal(compression, 'zstd');
    assert.ok((await readAll(stream)).equals(plain));
  });

  it('fail on truncated or corrupt input instead of ending early', async () => {
    const packed = zstd(plain);
    const truncated = await openDecompressed(chunked(packed.subarray(0, packed.length - 1000)));
    await assert.rejects(readAll(truncated.stream), /not a valid zstd-compressed layer/);
    const corrupt = Buffer.from(packed);
    corrupt.fill(0x55, 200, 4000);
    const broken = await openDecompressed(chunked(corrupt));
    await assert.rejects(readAll(broken.stream), /not a valid zstd-compressed layer/);
  });

  it('name the program to install when it is missing', async () => {
    process.env.BERTH_ZSTD = '/nonexistent/zstd';
    try {
      const { stream } = await openDecompressed(chunked(zstd(Buffer.from('x'))));
      await assert.rejects(readAll(stream), /zstd program is not installed; install it \(Debian\/Ubuntu: apt-get install zstd\)/);
    } finally {
      delete process.env.BERTH_ZSTD;
    }
  });
});
