// Verified reads: a blob whose file no longer hashes to its digest is a CorruptBlobError, whole or streamed.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, test } from 'node:test';
import { BlobStore, CorruptBlobError } from '../../../runtime/content/blob-store.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';

const base = mkdtempSync(join(tmpdir(), 'berth-blob-store-'));
after(() => rmSync(base, { recursive: true, force: true }));

test('read, openVerified and verify pass a sound blob and refuse a damaged one', async () => {
  const temp = new TempSpace(join(base, 'tmp'));
  await temp.init();
  const blobs = new BlobStore(base, temp);
  await blobs.init();
  const data = Buffer.alloc(3 << 20, 7);
  const { digest } = await blobs.putBuffer(data);
  assert.deepEqual(await blobs.read(digest), data);
  await blobs.verify(digest);
  const file = blobs.path(digest);
  const damaged = readFileSync(file);
  damaged[1 << 20] ^= 1;
  writeFileSync(file, damaged);
  const isCorrupt = (err: unknown): boolean => err instanceof CorruptBlobError && err.digest === digest && /is damaged on disk: its content hashes to sha256:/.test(err.message) && err.kind === 'system';
  await assert.rejects(blobs.read(digest), isCorrupt);
  await assert.rejects(blobs.verify(digest), isCorrupt);
  await assert.rejects(pipeline(blobs.openVerified(digest), new Writable({ write: (_c, _e, cb) => cb() })), isCorrupt);
  // Unverified reads (pull reading back what it just checked) still just read.
  await pipeline(blobs.open(digest), new Writable({ write: (_c, _e, cb) => cb() }));
});
