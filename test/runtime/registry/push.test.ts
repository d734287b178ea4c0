import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { MONOLITHIC_LIMIT } from '../../../runtime/registry/blob-upload.js';
import { shortId } from '../../../runtime/registry/endpoint.js';
import { RegistryError } from '../../../runtime/registry/errors.js';
import { pushImage } from '../../../runtime/registry/push.js';
import type { DirBlobStore } from './helpers/dir-blob-store.js';
import { FakeRegistry, sha256 } from './helpers/fake-registry.js';
import { ProgressLog, tempStore } from './helpers/fixtures.js';
import { buildSmallImage, readBlob, writeImage, writeLayer, type BuiltImage } from './helpers/image-builder.js';

describe('pushImage against a fake registry', () => {
  let fake: FakeRegistry;
  let source: DirBlobStore;
  let cleanup: () => Promise<void>;
  let image: BuiltImage;

  before(async () => {
    ({ store: source, cleanup } = await tempStore());
    image = await buildSmallImage(source, 3);
  });
  after(async () => cleanup());
  beforeEach(async () => {
    fake = await new FakeRegistry().start();
  });
  afterEach(async () => fake.stop());

  it('uploads every blob, then the manifest, with Docker progress lines and the final digest line', async () => {
    const log = new ProgressLog();
    const result = await pushImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, image, { source, progress: log.sink });

    assert.equal(result.digest, image.manifestDigest);
    assert.equal(result.size, image.manifest.length);
    for (const d of [image.configDigest, ...image.layers.map((l) => l.digest)]) assert.deepEqual(fake.blobs.get(d), await readBlob(source, d));
    assert.deepEqual(fake.manifests.get('team/app:v1')?.body, image.manifest);
    assert.equal(fake.manifests.get('team/app:v1')?.contentType, image.manifestMediaType);

    const ids = image.layers.map((l) => shortId(l.digest));
    const preparing = log.messages.filter((m) => m.status === 'Preparing').map((m) => m.id);
    assert.deepEqual(preparing, [...ids].reverse(), 'topmost layer first, as Docker lists them');
    assert.deepEqual(log.steps(ids[0] ?? ''), ['Preparing', 'Pushing', 'Pushed']);
    const last = log.messages.at(-2);
    assert.equal(last?.status, `v1: digest: ${image.manifestDigest} size: ${image.manifest.length}`);
    assert.deepEqual(log.messages.at(-1)?.aux, { Tag: 'v1', Digest: image.manifestDigest, Size: image.manifest.length });

    const again = new ProgressLog();
    await pushImage({ registry: fake.host, repository: 'team/app', tag: 'v2' }, image, { source, progress: again.sink });
    assert.deepEqual(again.steps(ids[1] ?? ''), ['Preparing', 'Layer already exists']);
  });

  it('streams a large layer with PATCH and closes it with PUT ?digest', async () => {
    const big = await writeLayer(source, [{ name: 'big.bin', data: randomBytes(MONOLITHIC_LIMIT + 1024 * 1024) }]);
    const bigImage = await writeImage(source, [big]);
    await pushImage({ registry: fake.host, repository: 'team/big', tag: 'v1' }, bigImage, { source, progress: () => {} });
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    assert.ok(patch, 'a PATCH carried the blob');
    assert.ok(fake.requests.some((r) => r.method === 'PUT' && r.url.includes(`digest=${encodeURIComponent(big.digest)}`)));
    assert.equal(sha256(fake.blobs.get(big.digest) ?? Buffer.alloc(0)), big.digest);
  });

  it('gets a pull,push bearer token with the credentials', async () => {
    fake.auth = { kind: 'bearer', username: 'ann', password: 's3cret' };
    await assert.rejects(
      pushImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, image, { source, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized',
    );
    await pushImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, image, { source, progress: () => {}, credentials: { username: 'ann', password: 's3cret' } });
    const scope = new URL(fake.tokenRequests.at(-1)?.url ?? '', 'http://x').searchParams.get('scope');
    assert.equal(scope, 'repository:team/app:pull,push');
    assert.ok(fake.manifests.has('team/app:v1'));
  });

  it('refuses to send a local blob that does not match its digest; the registry gets no manifest', async () => {
    const layer = await writeLayer(source, [{ name: 'x', data: Buffer.from('original') }]);
    const broken = await writeImage(source, [layer]);
    const bytes = await readBlob(source, layer.digest);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    await writeFile(source.path(layer.digest), bytes);
    await assert.rejects(
      pushImage({ registry: fake.host, repository: 'team/broken', tag: 'v1' }, broken, { source, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'digest-mismatch' && err.message.includes('local store'),
    );
    assert.equal(fake.blobs.has(layer.digest), false);
    assert.equal(fake.manifests.has('team/broken:v1'), false);
  });

  it('names a blob missing from the local store', async () => {
    const ghost = { ...image, layers: [...image.layers, { digest: `sha256:${'c'.repeat(64)}`, size: 10, mediaType: image.layers[0]?.mediaType ?? '' }] };
    const manifest = JSON.parse(image.manifest.toString()) as { layers: unknown[] };
    manifest.layers.push({ mediaType: ghost.layers.at(-1)?.mediaType, digest: ghost.layers.at(-1)?.digest, size: 10 });
    await assert.rejects(
      pushImage({ registry: fake.host, repository: 'team/ghost', tag: 'v1' }, { ...ghost, manifest: Buffer.from(JSON.stringify(manifest)) }, { source, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'invalid' && err.message.includes('missing from the local store'),
    );
  });

  it('rejects a manifest whose config is not the one given', async () => {
    await assert.rejects(
      pushImage({ registry: fake.host, repository: 'team/app', tag: 'v1' }, { ...image, configDigest: `sha256:${'d'.repeat(64)}` }, { source, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'invalid',
    );
    assert.equal(fake.requests.length, 0);
  });
});
