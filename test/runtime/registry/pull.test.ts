import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { RegistryError } from '../../../runtime/registry/errors.js';
import { pullImage } from '../../../runtime/registry/pull.js';
import { shortId } from '../../../runtime/registry/endpoint.js';
import type { DirBlobStore } from './helpers/dir-blob-store.js';
import { FakeRegistry, sha256 } from './helpers/fake-registry.js';
import { ProgressLog, amd64, publish, tempStore } from './helpers/fixtures.js';
import { buildSmallImage, readBlob, type BuiltImage } from './helpers/image-builder.js';

describe('pullImage against a fake registry', () => {
  let fake: FakeRegistry;
  let source: DirBlobStore;
  let cleanupSource: () => Promise<void>;
  let image: BuiltImage;
  let sink: DirBlobStore;
  let cleanupSink: () => Promise<void>;

  before(async () => {
    ({ store: source, cleanup: cleanupSource } = await tempStore());
    image = await buildSmallImage(source, 2);
  });
  after(async () => {
    await cleanupSource();
  });
  beforeEach(async () => {
    fake = await new FakeRegistry().start();
    ({ store: sink, cleanup: cleanupSink } = await tempStore());
  });
  afterEach(async () => {
    await fake.stop();
    await cleanupSink();
  });

  const ref = (repository = 'team/app', tag = 'v1') => ({ registry: fake.host, repository, tag });

  it('pulls a Docker v2 schema 2 image by tag into the sink, verified, with Docker progress lines', async () => {
    const digest = await publish(fake, source, 'team/app', 'v1', image);
    const log = new ProgressLog();
    const pulled = await pullImage(ref(), { platform: amd64, sink, progress: log.sink });

    assert.equal(pulled.manifestDigest, digest);
    assert.equal(pulled.repoDigest, digest);
    assert.equal(pulled.manifestMediaType, image.manifestMediaType);
    assert.deepEqual(pulled.manifest, image.manifest);
    assert.equal(pulled.configDigest, image.configDigest);
    assert.deepEqual(pulled.layers, image.layers.map(({ digest: d, size, mediaType }) => ({ digest: d, size, mediaType })));
    for (const d of [image.configDigest, ...image.layers.map((l) => l.digest)]) {
      assert.deepEqual(await readBlob(sink, d), await readBlob(source, d));
    }
    const id = shortId(image.layers[0]?.digest ?? '');
    assert.deepEqual(log.steps(id), ['Pulling fs layer', 'Downloading', 'Verifying Checksum', 'Download complete']);
    const downloading = log.messages.find((m) => m.id === id && m.status === 'Downloading');
    assert.equal(downloading?.progressDetail?.total, image.layers[0]?.size);
    assert.match(downloading?.progress ?? '', /^\[=*>\s*\] +\d[\d.]*k?B\/\d[\d.]*k?B$/);

    const manifestGet = fake.requests.find((r) => r.url === '/v2/team/app/manifests/v1');
    for (const type of [
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]) {
      assert.ok(manifestGet?.accept?.includes(type), `Accept lists ${type}`);
    }
  });

  it('skips blobs the sink already has and says "Already exists"', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    const first = image.layers[0]?.digest ?? '';
    await sink.ingest(first, undefined, (await import('node:fs')).createReadStream(source.path(first)));
    const log = new ProgressLog();
    await pullImage(ref(), { platform: amd64, sink, progress: log.sink });
    assert.deepEqual(log.statuses(shortId(first)), ['Already exists']);
    assert.ok(!fake.requests.some((r) => r.url.endsWith(`/blobs/${first}`)), 'existing layer is not downloaded');
  });

  it('queues layers beyond the concurrency limit with "Waiting"', async () => {
    const five = await buildSmallImage(source, 5, 'docker', 'five');
    await publish(fake, source, 'team/five', 'v1', five);
    const log = new ProgressLog();
    await pullImage(ref('team/five'), { platform: amd64, sink, progress: log.sink });
    const waiting = log.messages.filter((m) => m.status === 'Waiting').map((m) => m.id);
    assert.deepEqual(waiting, five.layers.slice(3).map((l) => shortId(l.digest)));
  });

  it('picks linux/amd64 from an OCI index by default and the requested platform otherwise', async () => {
    const oci = await buildSmallImage(source, 1, 'oci', 'amd64');
    const arm = await buildSmallImage(source, 1, 'oci', 'arm64');
    const amdDigest = await publish(fake, source, 'multi/app', undefined, oci);
    const armDigest = await publish(fake, source, 'multi/app', undefined, arm);
    const attestation = fake.addBlob(Buffer.from('{}'));
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          { mediaType: oci.manifestMediaType, digest: armDigest, size: arm.manifest.length, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
          { mediaType: oci.manifestMediaType, digest: amdDigest, size: oci.manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
          { mediaType: oci.manifestMediaType, digest: attestation, size: 2, platform: { os: 'unknown', architecture: 'unknown' } },
        ],
      }),
    );
    const indexDigest = fake.addManifest('multi/app', 'latest', index, 'application/vnd.oci.image.index.v1+json');

    const pulled = await pullImage({ registry: fake.host, repository: 'multi/app' }, { platform: amd64, sink, progress: () => {} });
    assert.equal(pulled.manifestDigest, amdDigest);
    assert.equal(pulled.repoDigest, indexDigest);
    assert.equal(pulled.index?.digest, indexDigest);
    assert.equal(pulled.configDigest, oci.configDigest);

    const armPulled = await pullImage({ registry: fake.host, repository: 'multi/app' }, { platform: { os: 'linux', architecture: 'arm64' }, sink, progress: () => {} });
    assert.equal(armPulled.manifestDigest, armDigest);

    await assert.rejects(
      pullImage({ registry: fake.host, repository: 'multi/app' }, { platform: { os: 'linux', architecture: 's390x' }, sink, progress: () => {} }),
      (err: unknown) =>
        err instanceof RegistryError && err.kind === 'not-found' && /no matching manifest for linux\/s390x/.test(err.message) && /available platforms: linux\/arm64, linux\/amd64$/.test(err.message),
    );
  });

  it('picks from a Docker manifest list too', async () => {
    const amdDigest = await publish(fake, source, 'list/app', undefined, image);
    const list = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
        manifests: [{ mediaType: image.manifestMediaType, digest: amdDigest, size: image.manifest.length, platform: { os: 'linux', architecture: 'amd64' } }],
      }),
    );
    fake.addManifest('list/app', 'v1', list, 'application/vnd.docker.distribution.manifest.list.v2+json');
    const pulled = await pullImage(ref('list/app'), { platform: amd64, sink, progress: () => {} });
    assert.equal(pulled.manifestDigest, amdDigest);
  });

  it('verifies a manifest fetched by digest', async () => {
    const digest = await publish(fake, source, 'team/app', 'v1', image);
    fake.manifests.set(`team/app@${digest}`, { body: Buffer.from(image.manifest.toString().replace('"schemaVersion":2', '"schemaVersion":2 ')), contentType: image.manifestMediaType });
    await assert.rejects(
      pullImage({ registry: fake.host, repository: 'team/app', digest }, { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'digest-mismatch' && err.message.includes(digest),
    );
  });

  it('rejects a layer whose bytes do not match its digest, storing nothing', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    const bad = image.layers[1]?.digest ?? '';
    fake.faults.set(bad, 'corrupt');
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'digest-mismatch' && err.message.includes(`layer ${shortId(bad)} failed verification`),
    );
    assert.equal(await sink.has(bad), false);
  });

  it('detects a truncated download (connection cut before Content-Length) and retries before failing', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    const cut = image.layers[0]?.digest ?? '';
    fake.faults.set(cut, 'truncate');
    const log = new ProgressLog();
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: log.sink, retry: { attempts: 2, delayMs: 1 } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unavailable' && /layer [0-9a-f]{12} was cut short/.test(err.message),
    );
    assert.equal(fake.requests.filter((r) => r.url.endsWith(`/blobs/${cut}`)).length, 2);
    assert.ok(log.statuses(shortId(cut)).includes('Retrying in 1 second'));
    assert.equal(await sink.has(cut), false);
  });

  it('follows a blob redirect to a storage host without sending it the registry credentials', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.auth = { kind: 'bearer' };
    const moved = image.layers[0]?.digest ?? '';
    fake.faults.set(moved, 'redirect');
    await pullImage(ref(), { platform: amd64, sink, progress: () => {} });
    assert.deepEqual(await readBlob(sink, moved), await readBlob(source, moved));
    assert.deepEqual(fake.storageRequests, [{ url: `/storage/${moved}`, authorization: undefined }]);
  });

  it('rejects a blob whose Content-Length differs from the manifest size', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.faults.set(image.layers[0]?.digest ?? '', 'short-length');
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'digest-mismatch' && /announced \d+ bytes/.test(err.message),
    );
  });

  it('reports a missing blob as not-found', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.faults.set(image.layers[0]?.digest ?? '', 'missing');
    await assert.rejects(pullImage(ref(), { platform: amd64, sink, progress: () => {} }), (err: unknown) => err instanceof RegistryError && err.kind === 'not-found');
  });

  for (const [name, body, pattern] of [
    ['not JSON', '{"schemaVersion": 2,', /malformed manifest for .*: it is not JSON/],
    ['without layers', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json', config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: `sha256:${'a'.repeat(64)}`, size: 2 } }), /"layers" is missing/],
    ['with a bad digest', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:xyz', size: 2 }, layers: [] }), /config.digest/],
    ['in schema 1', JSON.stringify({ schemaVersion: 1, name: 'team/app', tag: 'v1', fsLayers: [] }), /schema 1, which is no longer supported/],
    ['of an artifact', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.cncf.helm.config.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 2 }, layers: [] }), /is not a container image/],
  ] as const) {
    it(`rejects a manifest ${name} with a clear message`, async () => {
      fake.addManifest('team/app', 'v1', Buffer.from(body), name === 'in schema 1' ? 'application/vnd.docker.distribution.manifest.v1+prettyjws' : 'application/vnd.docker.distribution.manifest.v2+json');
      await assert.rejects(pullImage(ref(), { platform: amd64, sink, progress: () => {} }), (err: unknown) => err instanceof RegistryError && err.kind === 'invalid' && pattern.test(err.message));
    });
  }

  it('maps 404s to not-found with Docker wording', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    await assert.rejects(
      pullImage(ref('nobody/here'), { platform: amd64, sink, progress: () => {} }),
      (err: unknown) =>
        err instanceof RegistryError && err.kind === 'not-found' && err.message.startsWith(`pull access denied for ${fake.host}/nobody/here, repository does not exist or may require 'docker login'`),
    );
    await assert.rejects(
      pullImage(ref('team/app', 'v9'), { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'not-found' && err.message === `manifest for ${fake.host}/team/app:v9 not found: manifest unknown: manifest unknown`,
    );
  });

  it('answers a Basic challenge with the credentials, and maps a refusal to unauthorized', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.auth = { kind: 'basic', username: 'ann', password: 's3cret' };
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {} }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized' && err.message.includes("may require 'docker login'"),
    );
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {}, credentials: { username: 'ann', password: 'wrong' } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized',
    );
    const pulled = await pullImage(ref(), { platform: amd64, sink, progress: () => {}, credentials: { username: 'ann', password: 's3cret' } });
    assert.equal(pulled.configDigest, image.configDigest);
  });

  it('gets a bearer token anonymously, once per scope for the whole pull', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.auth = { kind: 'bearer' };
    await pullImage(ref(), { platform: amd64, sink, progress: () => {} });
    assert.equal(fake.tokenRequests.length, 1);
    const url = new URL(fake.tokenRequests[0]?.url ?? '', 'http://x');
    assert.equal(url.searchParams.get('service'), 'fake-registry');
    assert.equal(url.searchParams.get('scope'), 'repository:team/app:pull');
    assert.equal(fake.tokenRequests[0]?.authorization, undefined);
    assert.ok(fake.requests.filter((r) => r.url.startsWith('/v2/team/')).every((r) => r.authorization?.startsWith('Bearer tok-')));
  });

  it('sends Basic credentials to the token server and accepts access_token', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.auth = { kind: 'bearer', username: 'ann', password: 's3cret', tokenField: 'access_token' };
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {}, credentials: { username: 'ann', password: 'nope' } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unauthorized' && /login to .* failed/.test(err.message),
    );
    await pullImage(ref(), { platform: amd64, sink, progress: () => {}, credentials: { username: 'ann', password: 's3cret' } });
    const last = fake.tokenRequests.at(-1);
    assert.equal(last?.authorization, `Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
    assert.equal(new URL(last?.url ?? '', 'http://x').searchParams.get('account'), 'ann');
  });

  it('exchanges an identity token through the OAuth form, and uses a registry token as is', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.auth = { kind: 'bearer', username: 'ann', password: 'x', refreshToken: 'refresh-1' };
    await pullImage(ref(), { platform: amd64, sink, progress: () => {}, credentials: { identitytoken: 'refresh-1' } });
    const form = new URLSearchParams(fake.tokenRequests.at(-1)?.form ?? '');
    assert.equal(fake.tokenRequests.at(-1)?.method, 'POST');
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'refresh-1');
    assert.equal(form.get('scope'), 'repository:team/app:pull');

    // A token from an earlier login: used directly, the token server is not asked again.
    const before = fake.tokenRequests.length;
    const token = (fake.requests.at(-1)?.authorization ?? '').replace('Bearer ', '');
    const { store: other, cleanup } = await tempStore();
    try {
      await pullImage(ref(), { platform: amd64, sink: other, progress: () => {}, credentials: { registrytoken: token } });
    } finally {
      await cleanup();
    }
    assert.equal(fake.tokenRequests.length, before);
  });

  it('stops on abort and rejects with the abort reason', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    const controller = new AbortController();
    await assert.rejects(
      pullImage(ref(), {
        platform: amd64,
        sink,
        signal: controller.signal,
        progress: (m) => {
          if (m.status === 'Pulling fs layer') controller.abort();
        },
      }),
      (err: unknown) => err instanceof Error && err.name === 'AbortError',
    );
  });

  it('fails clearly when the registry cannot be reached', async () => {
    const closed = await new FakeRegistry().start();
    const host = closed.host;
    await closed.stop();
    await assert.rejects(
      pullImage({ registry: host, repository: 'a/b', tag: 'v1' }, { platform: amd64, sink, progress: () => {}, retry: { attempts: 1 } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unavailable' && err.message.includes(`cannot reach registry ${host}: connection refused`),
    );
  });

  it('gives up on a registry that accepts the connection but never completes the handshake', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => {
      held.add(socket.on('error', () => {}));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      // 0.0.0.0 reaches the local listener but is not a loopback name, so the client speaks TLS and waits.
      await assert.rejects(
        pullImage({ registry: `0.0.0.0:${port}`, repository: 'a/b', tag: 'v1' }, { platform: amd64, sink, progress: () => {}, timeouts: { connectMs: 200 } }),
        (err: unknown) => err instanceof RegistryError && err.kind === 'unavailable' && err.message.includes('connection timed out'),
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('gives up on a download that stalls', async () => {
    await publish(fake, source, 'team/app', 'v1', image);
    fake.faults.set(image.layers[0]?.digest ?? '', 'stall');
    await assert.rejects(
      pullImage(ref(), { platform: amd64, sink, progress: () => {}, timeouts: { idleMs: 200 }, retry: { attempts: 1 } }),
      (err: unknown) => err instanceof RegistryError && err.kind === 'unavailable' && err.message.includes('stopped responding'),
    );
  });

  it('checks the reference before any request', async () => {
    await assert.rejects(pullImage({ registry: fake.host, repository: 'Bad/Name', tag: 'v1' }, { platform: amd64, sink, progress: () => {} }), (err: unknown) => err instanceof RegistryError && err.kind === 'invalid');
    assert.equal(fake.requests.length, 0);
  });

  it('rejects an image whose config does not list one diff ID per layer', async () => {
    const config = Buffer.from(JSON.stringify({ os: 'linux', architecture: 'amd64', rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = fake.addBlob(config);
    const manifest = JSON.parse(image.manifest.toString()) as { config: { digest: string; size: number } };
    manifest.config.digest = configDigest;
    manifest.config.size = config.length;
    await publish(fake, source, 'team/app', 'v0', image);
    fake.addManifest('team/app', 'v1', Buffer.from(JSON.stringify(manifest)), image.manifestMediaType);
    await assert.rejects(pullImage(ref(), { platform: amd64, sink, progress: () => {} }), (err: unknown) => err instanceof RegistryError && /manifest has 2 layers but its config lists 0/.test(err.message));
    assert.equal(await sink.has(configDigest), false);
    assert.equal(sha256(config), configDigest);
  });
});
