// The pull's sink: layers unpack while they download, commit bottom first, and a failure leaves
// nothing half-stored. The registry client is played by the test: it calls prepare/ingest/done.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BlobStore } from '../../../runtime/content/blob-store.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';
import { UnpackingSink } from '../../../runtime/images/transfers/unpacking-sink.js';
import { chainIdsOf, LayerStore } from '../../../runtime/layers/layer-store.js';
import { RegistryError } from '../../../runtime/registry/errors.js';
import type { ProgressMessage } from '../../../runtime/registry/transfer-types.js';
import { VerifyingStream } from '../../../runtime/registry/verifying-stream.js';
import { isRoot, requireOrSkip } from '../../helpers/prereqs.js';
import { makeTar, type TarEntry } from '../../helpers/tar-builder.js';

const base = mkdtempSync(join(tmpdir(), 'berth-unpacking-sink-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

interface TestLayer { digest: string; size: number; mediaType: string; gz: Buffer; diffId: string }

async function layer(entries: TarEntry[]): Promise<TestLayer> {
  const plain = await makeTar(entries);
  const gz = gzipSync(plain);
  return { digest: sha256(gz), size: gz.length, mediaType: GZIP, gz, diffId: sha256(plain) };
}

async function setup(layers: TestLayer[], diffIds = layers.map((l) => l.diffId)) {
  const root = join(base, `r${n++}`);
  const temp = new TempSpace(join(root, 'tmp'));
  await temp.init();
  const blobs = new BlobStore(root, temp);
  await blobs.init();
  const store = new LayerStore(root, blobs, temp);
  await store.init();
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: diffIds } }));
  const configDigest = sha256(config);
  await blobs.ingestBuffer(configDigest, config);
  const progress: ProgressMessage[] = [];
  const sink = new UnpackingSink(blobs, store, (m) => progress.push(m));
  await sink.prepare({ configDigest, layers: layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType })) });
  return { root, blobs, store, sink, progress, chainIds: chainIdsOf(diffIds) };
}

/** What the registry client hands the sink: the bytes through a VerifyingStream, in several chunks. */
function download(l: TestLayer, bytes = l.gz): Readable {
  const verifier = new VerifyingStream({ digest: l.digest, size: l.size, what: `layer ${l.digest.slice(7, 19)}` });
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 1000) chunks.push(bytes.subarray(i, i + 1000));
  return Readable.from(chunks).pipe(verifier);
}

function tmpEntries(root: string): string[] {
  return readdirSync(join(root, 'tmp'));
}

test('layers unpack as they arrive and commit bottom first, even when a child arrives first', async () => {
  const bottom = await layer([{ name: 'etc/', type: 'directory' }, { name: 'etc/os', content: 'bottom\n' }]);
  const top = await layer([{ name: 'app/run', content: 'top\n', mode: 0o755 }]);
  const { root, blobs, store, sink, progress, chainIds } = await setup([bottom, top]);

  await sink.ingest(top.digest, top.size, download(top), { verified: true });
  assert.equal(store.get(chainIds[1]), undefined, 'the child is not committed before its parent');
  // The unpack runs on in the background once the download slot is freed, so look until it shows.
  const deadline = Date.now() + 10_000;
  while (!tmpEntries(root).some((e) => e.startsWith('layer-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(tmpEntries(root).some((e) => e.startsWith('layer-')), 'the child waits, unpacked, in the temp space');

  await sink.ingest(bottom.digest, bottom.size, download(bottom), { verified: true });
  const records = await sink.done();
  assert.ok(await blobs.has(top.digest) && await blobs.has(bottom.digest), 'both blobs are stored');
  assert.deepEqual(records.map((r) => r.chainId), chainIds);
  assert.equal(records[1].parent, chainIds[0]);
  assert.deepEqual(records.map((r) => r.compressed?.digest), [bottom.digest, top.digest]);
  assert.equal(readFileSync(join(store.diffDir(chainIds[0]), 'etc/os'), 'utf8'), 'bottom\n');
  assert.equal(statSync(join(store.diffDir(chainIds[1]), 'app/run')).mode & 0o777, 0o755);
  assert.deepEqual(tmpEntries(root), []);
  const done = progress.filter((m) => m.status === 'Pull complete').map((m) => m.id);
  assert.deepEqual(done.sort(), [bottom.digest.slice(7, 19), top.digest.slice(7, 19)].sort());
});

test('an opaque directory in a layer that arrives first still hides what its parent has', async (t) => {
  if (!requireOrSkip(t, isRoot, 'root (whiteouts are device nodes)')) return;
  const bottom = await layer([{ name: 'data/', type: 'directory' }, { name: 'data/old', content: 'x' }]);
  const top = await layer([{ name: 'data/', type: 'directory' }, { name: 'data/.wh..wh..opq', content: '' }, { name: 'data/new', content: 'y' }]);
  const { sink, store, chainIds } = await setup([bottom, top]);
  await sink.ingest(top.digest, top.size, download(top), { verified: true });
  await sink.ingest(bottom.digest, bottom.size, download(bottom), { verified: true });
  await sink.done();
  const whiteout = statSync(join(store.diffDir(chainIds[1]), 'data/old'));
  assert.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0, 'data/old is whited out in the top layer');
});

test('a download cut off by the network fails that attempt only; the retry unpacks the layer', async () => {
  const l = await layer([{ name: 'big', content: Buffer.alloc(300_000, 7) }]);
  const { root, blobs, store, sink, chainIds } = await setup([l]);
  const cut = new PassThrough();
  const verifier = new VerifyingStream({ digest: l.digest, size: l.size, what: 'layer x' });
  cut.pipe(verifier);
  cut.write(l.gz.subarray(0, 1000));
  const attempt = sink.ingest(l.digest, l.size, verifier, { verified: true });
  setImmediate(() => verifier.destroy(new RegistryError('unavailable', 'download of layer x was cut short after 1000 bytes')));
  await assert.rejects(attempt, /cut short/);
  assert.equal(sink.signal.aborted, false, 'a network failure leaves the retry to the registry client');
  assert.equal(await blobs.has(l.digest), false);
  assert.deepEqual(tmpEntries(root), [], 'the failed attempt left nothing behind');

  await sink.ingest(l.digest, l.size, download(l), { verified: true });
  await sink.done();
  assert.ok(store.get(chainIds[0]));
});

test('a blob whose digest is wrong stores nothing and unpacks nothing', async () => {
  const l = await layer([{ name: 'f', content: randomBytes(200_000) }]);
  const { root, blobs, store, sink, chainIds } = await setup([l]);
  const corrupt = Buffer.from(l.gz);
  // Random data is stored, not deflated: gunzip notices only at the CRC in the trailer, after the digest check.
  corrupt[100_000] ^= 0xff;
  await assert.rejects(sink.ingest(l.digest, l.size, download(l, corrupt), { verified: true }), /failed verification/);
  await assert.rejects(sink.done());
  assert.equal(await blobs.has(l.digest), false);
  assert.equal(store.get(chainIds[0]), undefined);
  assert.deepEqual(tmpEntries(root), []);
});

test('a layer that fails to unpack aborts the pull with its own error and leaves nothing', async () => {
  const ok = await layer([{ name: 'a', content: 'a' }]);
  const hostile = await layer([{ name: '../escape', content: 'x' }, { name: 'filler', content: randomBytes(3_000_000) }]);
  const { root, blobs, store, sink } = await setup([ok, hostile]);
  await sink.ingest(ok.digest, ok.size, download(ok), { verified: true });
  // A download still under way (its rest never comes) when the unpacker refuses the first entry; more
  // than the 1 MiB the sink gathers before it hands data on.
  const network = new PassThrough();
  const verifier = new VerifyingStream({ digest: hostile.digest, size: hostile.size, what: 'layer hostile' });
  network.pipe(verifier);
  network.write(hostile.gz.subarray(0, 2_500_000));
  await assert.rejects(sink.ingest(hostile.digest, hostile.size, verifier, { verified: true }), /escape/);
  assert.equal(sink.signal.aborted, true, 'the registry client is told to stop the other downloads');
  assert.match(String((sink.signal.reason as Error).message), /escape/);
  await assert.rejects(sink.done(), /escape/);
  assert.equal(await blobs.has(hostile.digest), false);
  assert.equal(store.all().length, 1, 'only the complete bottom layer was committed; the image store collects it');
  assert.deepEqual(tmpEntries(root), []);
});

test('a small layer that fails to unpack after its download finished still fails the pull', async () => {
  const hostile = await layer([{ name: '../escape', content: 'x' }]);
  const { root, store, sink } = await setup([hostile]);
  await sink.ingest(hostile.digest, hostile.size, download(hostile), { verified: true }).catch(() => undefined);
  await assert.rejects(sink.done(), /escape/);
  assert.equal(store.all().length, 0);
  assert.deepEqual(tmpEntries(root), []);
});

test('a diff ID that does not match the config fails the layer', async () => {
  const l = await layer([{ name: 'f', content: 'x' }]);
  const { root, store, sink } = await setup([l], [sha256(Buffer.from('something else'))]);
  await assert.rejects(
    (async () => {
      await sink.ingest(l.digest, l.size, download(l), { verified: true });
      await sink.done();
    })(),
    /diff ID digest mismatch/,
  );
  assert.equal(store.all().length, 0);
  assert.deepEqual(tmpEntries(root), []);
});

test('layers already unpacked need no download; stored blobs unpack from the store', async () => {
  const a = await layer([{ name: 'a', content: 'a' }]);
  const b = await layer([{ name: 'b', content: 'b' }]);
  const first = await setup([a, b]);
  await first.sink.ingest(a.digest, a.size, download(a), { verified: true });
  await first.sink.ingest(b.digest, b.size, download(b), { verified: true });
  await first.sink.done();

  // Same stores, a new pull: both chains exist, nothing to fetch.
  const again = new UnpackingSink(first.blobs, first.store, () => undefined);
  const configDigest = (await readdirSync(join(first.root, 'content/sha256')).find((h) => readFileSync(join(first.root, 'content/sha256', h)).includes('diff_ids')))!;
  await again.prepare({ configDigest: `sha256:${configDigest}`, layers: [a, b].map(({ digest, size, mediaType }) => ({ digest, size, mediaType })) });
  assert.equal(await again.has(a.digest), true);
  assert.equal(await again.has(b.digest), true);
  assert.equal((await again.done()).length, 2);

  // The top layer's folder is gone but its blob is still here: it unpacks from the store.
  await first.store.remove(first.chainIds[1]);
  const third = new UnpackingSink(first.blobs, first.store, () => undefined);
  await third.prepare({ configDigest: `sha256:${configDigest}`, layers: [a, b].map(({ digest, size, mediaType }) => ({ digest, size, mediaType })) });
  const records = await third.done();
  assert.equal(records[1].chainId, first.chainIds[1]);
  assert.ok(existsSync(join(first.store.diffDir(first.chainIds[1]), 'b')));
});

test('the same blob twice in one image unpacks once per position', async () => {
  const same = await layer([{ name: 'same', content: 's' }]);
  const other = await layer([{ name: 'other', content: 'o' }]);
  const { sink, chainIds, store } = await setup([same, other, same]);
  await sink.ingest(same.digest, same.size, download(same), { verified: true });
  await sink.ingest(other.digest, other.size, download(other), { verified: true });
  const records = await sink.done();
  assert.deepEqual(records.map((r) => r.chainId), chainIds);
  assert.ok(existsSync(join(store.diffDir(chainIds[2]), 'same')));
});

test('abandon stops layers waiting for a parent that will never come', async () => {
  const bottom = await layer([{ name: 'a', content: 'a' }]);
  const top = await layer([{ name: 'b', content: 'b' }]);
  const { root, sink, store } = await setup([bottom, top]);
  await sink.ingest(top.digest, top.size, download(top), { verified: true });
  await sink.abandon(new Error('the pull failed elsewhere'));
  assert.equal(store.all().length, 0);
  assert.deepEqual(tmpEntries(root), []);
});
