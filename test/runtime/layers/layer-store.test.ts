// LayerStore.createFromFile: a layer file of an unpacked archive becomes the layer's blob without a copy.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { BlobStore } from '../../../runtime/content/blob-store.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';
import { LayerStore } from '../../../runtime/layers/layer-store.js';
import { makeTar } from '../../helpers/tar-builder.js';

const base = mkdtempSync(join(tmpdir(), 'berth-layer-store-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function open() {
  const root = join(base, `r${n++}`);
  const temp = new TempSpace(join(root, 'tmp'));
  await temp.init();
  const blobs = new BlobStore(root, temp);
  await blobs.init();
  const layers = new LayerStore(root, blobs, temp);
  await layers.init();
  // Archives are unpacked in the temp space, on the same filesystem as the store.
  const file = (name: string, data: Buffer): string => {
    const p = join(root, 'tmp', name);
    writeFileSync(p, data);
    return p;
  };
  return { root, blobs, layers, file };
}

async function readAll(r: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

test('a plain layer tar file becomes the layer tar blob by hard link', async () => {
  const s = await open();
  const tar = await makeTar([{ name: 'etc/x', content: 'x' }]);
  const file = s.file('layer.tar', tar);
  const layer = await s.layers.createFromFile(file, { expectedDiffId: sha256(tar), digest: sha256(tar) });
  assert.equal(layer.diffId, sha256(tar));
  assert.equal(layer.hasTarBlob, true);
  assert.equal(layer.compressed, undefined);
  assert.equal(statSync(s.blobs.path(layer.diffId)).ino, statSync(file).ino, 'the same file, not a copy');
  assert.ok((await readAll(await s.layers.openTar(layer.chainId))).equals(tar));
});

test('a gzip layer file is kept as the gzip blob; save gets the tar back', async () => {
  const s = await open();
  const tar = await makeTar([{ name: 'etc/y', content: 'y' }]);
  const gz = gzipSync(tar);
  const layer = await s.layers.createFromFile(s.file('layer.tar.gz', gz), { expectedDiffId: sha256(tar) });
  assert.equal(layer.hasTarBlob, false);
  assert.equal(layer.compressed?.digest, sha256(gz));
  assert.equal(layer.compressed?.size, gz.length);
  assert.ok(await s.blobs.has(sha256(gz)));
  assert.ok((await readAll(await s.layers.openTar(layer.chainId))).equals(tar));
});

test('a layer file whose digest is not the one its archive names is refused before anything is committed', async () => {
  const s = await open();
  const tar = await makeTar([{ name: 'etc/z', content: 'z' }]);
  const claimed = sha256(Buffer.from('another layer'));
  await assert.rejects(s.layers.createFromFile(s.file('layer.tar', tar), { digest: claimed }), /digest mismatch: expected sha256:/);
  assert.deepEqual(s.layers.all(), []);
  assert.deepEqual(readdirSync(join(s.root, 'content', 'sha256')), []);
  assert.deepEqual(readdirSync(join(s.root, 'layers')), []);
});

test('a layer already in the store is not read again', async () => {
  const s = await open();
  const tar = await makeTar([{ name: 'etc/w', content: 'w' }]);
  const first = await s.layers.createFromFile(s.file('a.tar', tar), { expectedDiffId: sha256(tar) });
  const again = await s.layers.createFromFile(join(s.root, 'tmp', 'no-such-file'), { expectedDiffId: sha256(tar) });
  assert.equal(again, first);
});
