// docker push and docker pull against Debian's docker-registry on 127.0.0.1, through the image store.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../registry/helpers/local-registry.js';

let d: TestDaemon;
let registry: LocalRegistry | undefined;
let skip: string | undefined;
let busybox: string;

before(async () => {
  const found = registryOrSkip();
  if ('skip' in found) skip = found.skip;
  else registry = await startLocalRegistry(found.binary);
  d = await startDaemon();
  busybox = await importBusybox(d, 'busybox:latest');
});
after(async () => {
  await d.stop();
  await d.cleanup();
  await registry?.stop();
});

test('push an imported image, remove it, pull it back: same image ID, RepoDigests set', async (t) => {
  if (!registry) return t.skip(skip);
  const name = `${registry.host}/berth/bb:1`;
  assert.equal((await d.docker(['tag', 'busybox', name])).code, 0);
  const push = await d.docker(['push', name]);
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /The push refers to repository \[127\.0\.0\.1:\d+\/berth\/bb\]/);
  const digest = /1: digest: (sha256:[0-9a-f]{64}) size: \d+/.exec(push.stdout)?.[1];
  assert.ok(digest, push.stdout);

  assert.equal((await d.docker(['rmi', name])).code, 0);
  assert.equal((await d.docker(['rmi', 'busybox'])).code, 0);
  assert.equal((await d.client.listImages()).length, 0);

  const pull = await d.docker(['pull', name]);
  assert.equal(pull.code, 0, pull.stderr);
  assert.match(pull.stdout, new RegExp(`Digest: ${digest}`));
  assert.match(pull.stdout, new RegExp(`Status: Downloaded newer image for ${name.replace(/\./g, '\\.')}`));
  const info = await d.client.getImage(name).inspect();
  assert.equal(info.Id, busybox);
  assert.deepEqual(info.RepoDigests, [`${registry.host}/berth/bb@${digest}`]);

  const again = await d.docker(['pull', name]);
  assert.match(again.stdout, /Status: Image is up to date/);
  const byDigest = await d.docker(['pull', `${registry.host}/berth/bb@${digest}`]);
  assert.equal(byDigest.code, 0, byDigest.stderr);
  const inspectByDigest = await d.docker(['image', 'inspect', '--format', '{{.Id}}', `${registry.host}/berth/bb@${digest}`]);
  assert.equal(inspectByDigest.stdout.trim(), busybox);

  // A pulled image pushes its registry manifest and blobs as they are.
  await d.docker(['tag', name, `${registry.host}/berth/copy:1`]);
  const copy = await d.docker(['push', `${registry.host}/berth/copy:1`]);
  assert.equal(copy.code, 0, copy.stderr);
  assert.match(copy.stdout, new RegExp(`digest: ${digest}`));
});

test('pull of an unknown image is a 404 before streaming, and stores nothing', async (t) => {
  if (!registry) return t.skip(skip);
  const before = (await d.client.listImages()).length;
  const r = await d.docker(['pull', `${registry.host}/berth/missing:1`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error response from daemon: .*not found/i);
  assert.equal((await d.client.listImages()).length, before);
});

test('dockerode pull streams progress and the pull event', async (t) => {
  if (!registry) return t.skip(skip);
  const name = `${registry.host}/berth/bb:1`;
  await d.docker(['rmi', '-f', name]);
  const since = Math.floor(Date.now() / 1000) - 1;
  const stream = await d.client.pull(name);
  const messages = await new Promise<{ status?: string; error?: string }[]>((resolve, reject) => {
    d.client.modem.followProgress(stream, (err: Error | null, out: { status?: string }[]) => (err ? reject(err) : resolve(out)));
  });
  assert.ok(!messages.some((m) => m.error), JSON.stringify(messages));
  assert.ok(messages.some((m) => m.status === 'Pull complete' || m.status?.startsWith('Status:')));
  const events = await d.docker(['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=pull', '--format', '{{.Action}} {{.Actor.ID}}']);
  assert.match(events.stdout, new RegExp(`pull ${name.replace(/\./g, '\\.')}`));
});

test('a loopback registry that serves HTTPS (self-signed) works too, as with dockerd: HTTPS first, unchecked', async (t) => {
  const found = registryOrSkip();
  if ('skip' in found) return t.skip(found.skip);
  const tls = await startLocalRegistry(found.binary, { tls: true });
  try {
    const name = `${tls.host}/berth/tls:1`;
    assert.equal((await d.docker(['tag', busybox, name])).code, 0);
    const push = await d.docker(['push', name]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await d.docker(['rmi', name])).code, 0);
    const pull = await d.docker(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal((await d.client.getImage(name).inspect()).Id, busybox);
    assert.equal((await d.docker(['rmi', name])).code, 0);
  } finally {
    await tls.stop();
  }
});

test('an OCI image whose layers are zstd-compressed (made by skopeo) is pulled, stored, run and pushed again', async (t) => {
  if (!registry) return t.skip(skip);
  const skopeo = spawnSync('skopeo', ['--version']);
  if (skopeo.status !== 0) {
    if (process.env.CI === 'true') throw new Error('skopeo is not installed (apt-get install skopeo); CI must provide it');
    return t.skip('skopeo is not installed');
  }
  const work = mkdtempSync(join(tmpdir(), 'berth-zstd-'));
  try {
    const saved = await d.docker(['save', '-o', join(work, 'bb.tar'), busybox]);
    assert.equal(saved.code, 0, saved.stderr);
    // Through an OCI layout: skopeo recompresses there, and --preserve-digests keeps the zstd blobs on the way up.
    const layout = `oci:${join(work, 'layout')}:1`;
    const name = `${registry.host}/berth/zstd:1`;
    for (const args of [
      ['copy', '--dest-compress', '--dest-compress-format', 'zstd', `docker-archive:${join(work, 'bb.tar')}`, layout],
      ['copy', '--preserve-digests', '--dest-tls-verify=false', layout, `docker://${name}`],
    ]) {
      const r = spawnSync('skopeo', args, { encoding: 'utf8' });
      assert.equal(r.status, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
    }
    const manifest = await (await fetch(`http://${registry.host}/v2/berth/zstd/manifests/1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json() as { layers: { mediaType: string }[] };
    assert.deepEqual(manifest.layers.map((l) => l.mediaType), ['application/vnd.oci.image.layer.v1.tar+zstd']);

    // A daemon without busybox's layer, so the zstd blob is downloaded and unpacked, not found by its diff ID.
    const fresh = await startDaemon();
    try {
      const pull = await fresh.docker(['pull', name]);
      assert.equal(pull.code, 0, pull.stderr);
      assert.match(pull.stdout, /Pull complete/);
      const run = await fresh.docker(['run', '--rm', name, 'sh', '-c', 'echo unpacked from zstd; ls /bin/busybox']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, 'unpacked from zstd\n/bin/busybox\n');
      // The pulled image keeps its registry manifest and zstd blob: pushed again as it is.
      assert.equal((await fresh.docker(['tag', name, `${registry.host}/berth/zstd-copy:1`])).code, 0);
      const push = await fresh.docker(['push', `${registry.host}/berth/zstd-copy:1`]);
      assert.equal(push.code, 0, push.stderr);
      const copied = await (await fetch(`http://${registry.host}/v2/berth/zstd-copy/manifests/1`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json() as { layers: { mediaType: string }[] };
      assert.deepEqual(copied.layers.map((l) => l.mediaType), ['application/vnd.oci.image.layer.v1.tar+zstd']);
      // docker save of it gives plain tar layers (decompressed on the way out).
      const again = await fresh.docker(['save', '-o', join(work, 'zstd.tar'), name]);
      assert.equal(again.code, 0, again.stderr);
    } finally {
      await fresh.stop();
      await fresh.cleanup();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
