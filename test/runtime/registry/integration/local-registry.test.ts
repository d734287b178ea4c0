// Push and pull against Debian's real docker-registry (distribution 2.8) started on 127.0.0.1.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { shortId } from '../../../../runtime/registry/endpoint.js';
import { RegistryError } from '../../../../runtime/registry/errors.js';
import { pullImage } from '../../../../runtime/registry/pull.js';
import { pushImage } from '../../../../runtime/registry/push.js';
import type { DirBlobStore } from '../helpers/dir-blob-store.js';
import { ProgressLog, amd64, tempStore } from '../helpers/fixtures.js';
import { buildSmallImage, readBlob, writeImage, writeLayer, type BuiltImage } from '../helpers/image-builder.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../helpers/local-registry.js';

const prerequisite = registryOrSkip();
const skip = 'skip' in prerequisite ? prerequisite.skip : false;

async function assertSameBlobs(a: DirBlobStore, b: DirBlobStore, image: BuiltImage): Promise<void> {
  for (const d of [image.configDigest, ...image.layers.map((l) => l.digest)]) {
    assert.deepEqual(await readBlob(b, d), await readBlob(a, d), `blob ${d} round-trips`);
  }
}

describe('registry client against docker-registry', { skip }, () => {
  let registry: LocalRegistry;
  let source: DirBlobStore;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    if (!('binary' in prerequisite)) return;
    registry = await startLocalRegistry(prerequisite.binary);
    const made = await tempStore();
    source = made.store;
    cleanups.push(made.cleanup);
  });
  after(async () => {
    await registry?.stop();
    for (const c of cleanups) await c();
  });

  async function freshSink(): Promise<DirBlobStore> {
    const made = await tempStore();
    cleanups.push(made.cleanup);
    return made.store;
  }

  for (const format of ['docker', 'oci'] as const) {
    it(`pushes a ${format} image and pulls it back with the same digests`, async () => {
      const image = await buildSmallImage(source, 3, format, format);
      const ref = { registry: registry.host, repository: `berth/${format}-app`, tag: 'v1' };
      const pushLog = new ProgressLog();
      const pushed = await pushImage(ref, image, { source, progress: pushLog.sink });
      assert.equal(pushed.digest, image.manifestDigest);
      assert.ok(pushLog.statuses().includes(`v1: digest: ${image.manifestDigest} size: ${image.manifest.length}`));

      const sink = await freshSink();
      const pullLog = new ProgressLog();
      const pulled = await pullImage(ref, { platform: amd64, sink, progress: pullLog.sink });
      assert.equal(pulled.manifestDigest, image.manifestDigest);
      assert.equal(pulled.manifestMediaType, image.manifestMediaType);
      assert.equal(pulled.configDigest, image.configDigest);
      assert.deepEqual(pulled.layers.map((l) => l.digest), image.layers.map((l) => l.digest));
      await assertSameBlobs(source, sink, image);
      const id = shortId(image.layers[2]?.digest ?? '');
      assert.deepEqual(pullLog.steps(id), ['Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete']);

      const byDigest = await pullImage({ ...ref, tag: undefined, digest: pushed.digest }, { platform: amd64, sink, progress: pullLog.sink });
      assert.equal(byDigest.manifestDigest, pushed.digest);
      assert.equal(pullLog.statuses(id).at(-1), 'Already exists');

      const again = new ProgressLog();
      await pushImage({ ...ref, tag: 'v2' }, image, { source, progress: again.sink });
      assert.deepEqual(again.steps(id), ['Preparing', 'Layer already exists']);
    });
  }

  it('round-trips a layer larger than one PUT (streamed PATCH upload)', async () => {
    const big = await writeLayer(source, [{ name: 'blob.bin', data: randomBytes(20 * 1024 * 1024) }]);
    const image = await writeImage(source, [big]);
    const ref = { registry: registry.host, repository: 'berth/big', tag: 'v1' };
    await pushImage(ref, image, { source, progress: () => {} });
    const sink = await freshSink();
    const pulled = await pullImage(ref, { platform: amd64, sink, progress: () => {} });
    assert.equal(pulled.layers[0]?.digest, big.digest);
    await assertSameBlobs(source, sink, image);
  });

  it('resolves an OCI index stored in the registry to the linux/amd64 image', async () => {
    const amdImage = await buildSmallImage(source, 1, 'oci', 'index-amd64');
    const armImage = await buildSmallImage(source, 1, 'oci', 'index-arm64');
    const repo = 'berth/multi';
    const amd = await pushImage({ registry: registry.host, repository: repo, tag: 'amd64' }, amdImage, { source, progress: () => {} });
    const arm = await pushImage({ registry: registry.host, repository: repo, tag: 'arm64' }, armImage, { source, progress: () => {} });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { mediaType: armImage.manifestMediaType, digest: arm.digest, size: arm.size, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { mediaType: amdImage.manifestMediaType, digest: amd.digest, size: amd.size, platform: { os: 'linux', architecture: 'amd64' } },
      ],
    });
    const put = await fetch(`http://${registry.host}/v2/${repo}/manifests/latest`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json' },
      body: index,
    });
    assert.equal(put.status, 201);

    const sink = await freshSink();
    const pulled = await pullImage({ registry: registry.host, repository: repo }, { platform: amd64, sink, progress: () => {} });
    assert.equal(pulled.manifestDigest, amd.digest);
    assert.equal(pulled.repoDigest, put.headers.get('docker-content-digest'));
    await assertSameBlobs(source, sink, amdImage);

    await assert.rejects(
      pullImage({ registry: registry.host, repository: repo }, { platform: { os: 'linux', architecture: 'ppc64le' }, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && /available platforms: linux\/arm64, linux\/amd64/.test(err.message),
    );
  });

  it('reports unknown repositories and tags as Docker does', async () => {
    const sink = await freshSink();
    // distribution answers MANIFEST_UNKNOWN for unknown repositories too; dockerd then prints exactly this.
    await assert.rejects(
      pullImage({ registry: registry.host, repository: 'nobody/nothing', tag: 'v1' }, { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'not-found' && err.message === `manifest for ${registry.host}/nobody/nothing:v1 not found: manifest unknown: manifest unknown`,
    );
    const image = await buildSmallImage(source, 1, 'docker', 'tags');
    await pushImage({ registry: registry.host, repository: 'berth/tags', tag: 'v1' }, image, { source, progress: () => {} });
    await assert.rejects(
      pullImage({ registry: registry.host, repository: 'berth/tags', tag: 'v404' }, { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'not-found' && /^manifest for .*berth\/tags:v404 not found: manifest unknown/.test(err.message),
    );
  });
});

describe('registry client against docker-registry with htpasswd auth', { skip }, () => {
  let registry: LocalRegistry;
  let source: DirBlobStore;
  let sink: DirBlobStore;
  const cleanups: (() => Promise<void>)[] = [];
  const credentials = { username: 'berth', password: 'correct horse' };

  before(async () => {
    if (!('binary' in prerequisite)) return;
    registry = await startLocalRegistry(prerequisite.binary, { htpasswd: credentials });
    for (const set of [(s: DirBlobStore) => (source = s), (s: DirBlobStore) => (sink = s)]) {
      const made = await tempStore();
      set(made.store);
      cleanups.push(made.cleanup);
    }
  });
  after(async () => {
    await registry?.stop();
    for (const c of cleanups) await c();
  });

  it('needs the credentials to push and to pull', async () => {
    const image = await buildSmallImage(source, 2, 'docker', 'auth');
    const ref = { registry: registry.host, repository: 'private/app', tag: 'v1' };
    await assert.rejects(
      pushImage(ref, image, { source, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized' && err.message.includes(`docker login ${registry.host}`),
    );
    await assert.rejects(
      pushImage(ref, image, { source, progress: () => {}, credentials: { ...credentials, password: 'wrong' } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized',
    );
    const pushed = await pushImage(ref, image, { source, progress: () => {}, credentials });

    await assert.rejects(
      pullImage(ref, { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized' && err.message.startsWith('pull access denied for'),
    );
    const pulled = await pullImage(ref, { platform: amd64, sink, progress: () => {}, credentials });
    assert.equal(pulled.manifestDigest, pushed.digest);
    await assertSameBlobs(source, sink, image);
  });
});
