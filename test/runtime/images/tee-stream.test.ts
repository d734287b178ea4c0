import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { ChunkBatcher } from '../../../runtime/images/transfers/chunk-batcher.js';
import { teeStream } from '../../../runtime/images/transfers/tee-stream.js';

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** A consumer that takes each chunk only after the event loop turned, so the source must wait for it. */
function slowSink(into: Buffer[]): Writable {
  return new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _e, cb) {
      into.push(chunk);
      setImmediate(cb);
    },
  });
}

test('both branches get every byte, in order, at the pace of the slower one', async () => {
  const data = randomBytes(5 * 1024 * 1024);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
  const [fast, slow] = teeStream(Readable.from(chunks));
  const slowParts: Buffer[] = [];
  const [fastData] = await Promise.all([collect(fast), pipeline(slow, slowSink(slowParts))]);
  assert.ok(fastData.equals(data));
  assert.ok(Buffer.concat(slowParts).equals(data));
});

test('an error of the source reaches both branches', async () => {
  const source = new PassThrough();
  const [a, b] = teeStream(source);
  source.write(Buffer.from('partial'));
  setImmediate(() => source.destroy(new Error('network gone')));
  await assert.rejects(collect(a), /network gone/);
  await assert.rejects(collect(b), /network gone/);
});

test('a branch that fails takes the source and the other branch down with its error', async () => {
  const source = new PassThrough();
  const [a, b] = teeStream(source);
  source.write(Buffer.from('x'));
  const other = collect(b);
  a.destroy(new Error('unpack refused the layer'));
  await assert.rejects(other, /unpack refused the layer/);
  assert.equal(source.destroyed, true);
});

test('a source closed without an end fails the branches instead of leaving them hanging', async () => {
  const source = new PassThrough();
  const [a, b] = teeStream(source);
  source.destroy();
  await assert.rejects(collect(a), /cut off/);
  await assert.rejects(collect(b), /cut off/);
});

test('the batcher joins small chunks into large ones and keeps every byte', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 17);
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += 65536) chunks.push(data.subarray(i, i + 65536));
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), new ChunkBatcher(1024 * 1024), new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  assert.ok(Buffer.concat(out).equals(data));
  assert.ok(out.slice(0, -1).every((c) => c.length >= 1024 * 1024), 'all but the last batch are at least the batch size');
  assert.equal(out.length, 4);
});
