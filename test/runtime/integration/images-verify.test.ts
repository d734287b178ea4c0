// Every read that hands an image on is checked against its digests: a byte flipped in a stored layer or
// config makes save and push fail with a message naming the image and the blob (no archive written,
// nothing complete reaches the registry), and a damaged config drops the image at the next start with a
// log line. Needs the built daemon and Debian's docker-registry (a skip without it, a failure in CI).
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { importBusybox, startDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryOrSkip, startLocalRegistry, type LocalRegistry } from '../registry/helpers/local-registry.js';

let d: TestDaemon;
let registry: LocalRegistry | undefined;
let skip: string | undefined;
let imageId: string;

before(async () => {
  const found = registryOrSkip();
  if ('skip' in found) skip = found.skip;
  else registry = await startLocalRegistry(found.binary);
  d = await startDaemon();
  cleanups.push(d.cleanup);
  imageId = await importBusybox(d, 'busybox:latest');
});
/** Temp folders of every daemon started here (a restart reuses the first one's root). */
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  await d.stop();
  // One after another and awaited: the test process is ended once this hook returns (--test-force-exit),
  // and a teardown cut short leaves the daemon's bridge on the host.
  for (const c of cleanups) await c();
  await registry?.stop();
});

function blobFile(digest: string): string {
  return join(d.root, 'content', 'sha256', digest.slice('sha256:'.length));
}

/** Flips one byte in the middle of a stored blob; returns the undo. */
function flipByte(digest: string): () => void {
  const file = blobFile(digest);
  const data = readFileSync(file);
  const at = Math.floor(data.length / 2);
  data[at] ^= 0xff;
  writeFileSync(file, data);
  return () => {
    data[at] ^= 0xff;
    writeFileSync(file, data);
  };
}

async function layerDigest(name: string): Promise<string> {
  const out = await d.docker(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', name]);
  return out.stdout.trim();
}

async function manifestStatus(repo: string, tag: string): Promise<number> {
  const res = await fetch(`http://${registry!.host}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  return res.status;
}

test('a damaged layer tar: save and push fail naming the image and digest; nothing is written or pushed', async (t) => {
  const diffId = await layerDigest('busybox');
  const restore = flipByte(diffId);
  const out = join(d.root, '..', 'saved.tar');
  const save = await d.docker(['save', '-o', out, 'busybox']);
  assert.notEqual(save.code, 0);
  assert.match(save.stderr, new RegExp(`image busybox:latest is damaged: blob ${diffId} is damaged on disk: its content hashes to sha256:[0-9a-f]{64}; remove it and pull or load it again`));
  assert.equal(existsSync(out), false, 'no archive');
  if (registry) {
    const name = `${registry.host}/berth/damaged:1`;
    assert.equal((await d.docker(['tag', 'busybox', name])).code, 0);
    const push = await d.docker(['push', name]);
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, new RegExp(`image ${name.replace(/\./g, '\\.')} is damaged: blob ${diffId} is damaged on disk`));
    assert.equal(await manifestStatus('berth/damaged', '1'), 404, 'nothing pushed');
  } else t.diagnostic(`push not tried: ${skip}`);
  restore();
  assert.equal((await d.docker(['save', '-o', out, 'busybox'])).code, 0);
});

test('a damaged blob of a pulled image (its registry gzip): save fails naming it', async (t) => {
  if (!registry) return t.skip(skip);
  const name = `${registry.host}/berth/pulled:1`;
  assert.equal((await d.docker(['tag', 'busybox', name])).code, 0);
  assert.equal((await d.docker(['push', name])).code, 0);
  // A daemon of its own, so the layer exists only as the registry's gzip blob.
  const other = await startDaemon();
  cleanups.push(other.cleanup);
  try {
    assert.equal((await other.docker(['pull', name])).code, 0);
    const chain = (await other.docker(['image', 'inspect', '-f', '{{index .RootFS.Layers 0}}', name])).stdout.trim().slice('sha256:'.length);
    const layer = JSON.parse(readFileSync(join(other.root, 'layers', chain, 'layer.json'), 'utf8')) as { hasTarBlob: boolean; compressed?: { digest: string } };
    assert.ok(layer.compressed && !layer.hasTarBlob, 'a pulled layer keeps only its registry blob');
    const file = join(other.root, 'content', 'sha256', layer.compressed.digest.slice('sha256:'.length));
    const data = readFileSync(file);
    data[Math.floor(data.length / 2)] ^= 0xff;
    writeFileSync(file, data);
    const save = await other.docker(['save', '-o', join(other.root, '..', 'pulled.tar'), name]);
    assert.notEqual(save.code, 0);
    assert.match(save.stderr, new RegExp(`image ${name.replace(/\./g, '\\.')} is damaged: blob ${layer.compressed.digest} is damaged on disk`));
  } finally {
    await other.stop();
  }
});

test('a damaged image config: save fails naming it; the next start drops the image with a log line', async () => {
  flipByte(imageId);
  const save = await d.docker(['save', '-o', join(d.root, '..', 'config.tar'), 'busybox']);
  assert.notEqual(save.code, 0);
  assert.match(save.stderr, new RegExp(`image busybox:latest is damaged: blob ${imageId} is damaged on disk`));
  await d.stop();
  d = await startDaemon({ root: d.root });
  cleanups.push(d.cleanup);
  // The image store opens before the ready line, so its log line is there already.
  assert.match(d.log(), new RegExp(`image docker.io/library/busybox:latest(, \\S+)* is dropped: its config blob ${imageId} is damaged on disk`));
  assert.equal((await d.docker(['images', '-q'])).stdout.trim(), '');
});
