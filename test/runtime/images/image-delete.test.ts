// `docker rmi` with containers using the image: Docker's answers and records, and the layers a
// stopped container needs stay on disk after a forced delete until no container uses them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { BlobStore } from '../../../runtime/content/blob-store.js';
import { EventLog } from '../../../runtime/events/event-log.js';
import { TempSpace } from '../../../runtime/fs/temp-dir.js';
import { ImageService } from '../../../runtime/images/image-service.js';
import { ImageStore } from '../../../runtime/images/image-store.js';
import type { ContainerUsingImage } from '../../../runtime/images/image-usage.js';
import { LayerStore } from '../../../runtime/layers/layer-store.js';
import { makeTar } from '../../helpers/tar-builder.js';

const base = mkdtempSync(join(tmpdir(), 'berth-image-delete-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

async function open(root: string) {
  const temp = new TempSpace(join(root, 'tmp'));
  await temp.init();
  const blobs = new BlobStore(root, temp);
  await blobs.init();
  const layers = new LayerStore(root, blobs, temp);
  await layers.init();
  const store = new ImageStore(root, blobs, layers);
  await store.init();
  const images = new ImageService(store, new EventLog());
  // The containers service's hook, played by the test.
  const users = new Map<string, ContainerUsingImage>();
  images.setImageUsage({ isImageInUse: (id) => users.get(id), containerCount: (id) => (users.has(id) ? 1 : 0) });
  return { root, layers, store, images, users };
}

async function withImage(tag = 'app:1') {
  const s = await open(join(base, `r${n++}`));
  const layer = await s.layers.create(Readable.from([await makeTar([{ name: 'bin/app', content: 'app' }])]));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layer.diffId] } }));
  const entry = await s.store.add(config);
  await s.images.addTag(entry, `docker.io/library/${tag}`);
  return { ...s, id: entry.id, chainId: layer.chainId, config };
}

test('rmi -f by name under a stopped container: Untagged and Deleted, but its layers stay for the container', async () => {
  const s = await withImage();
  s.users.set(s.id, { id: 'c'.repeat(64), running: false });
  await assert.rejects(s.images.remove('app:1', { force: false, noprune: false }), /must force\) - container cccccccccccc is using its referenced image/);

  const records = await s.images.remove('app:1', { force: true, noprune: false });
  assert.deepEqual(records, [{ Untagged: 'app:1' }, { Deleted: s.id }]);
  assert.deepEqual(s.images.list({ all: true, filters: new Map() }), []);
  assert.throws(() => s.images.inspect(s.id), /No such image/);
  // The container still finds its image by ID, and the layer is on disk.
  assert.equal(s.images.resolve(s.id).id, s.id);
  assert.ok(existsSync(s.layers.diffDir(s.chainId)));

  // A daemon restart keeps it for the container.
  const again = await open(s.root);
  again.users.set(s.id, { id: 'c'.repeat(64), running: false });
  assert.equal(again.images.resolve(s.id).id, s.id);
  assert.equal(again.store.count, 0);

  // Once the container is gone, the next prune reclaims the layers.
  again.users.clear();
  const pruned = await again.images.prune(new Map());
  assert.ok(pruned.SpaceReclaimed > 0);
  assert.throws(() => again.images.resolve(s.id), /No such image/);
  assert.deepEqual(readdirSync(join(s.root, 'layers')), []);
});

test('rmi -f by ID under a stopped container reports Deleted; without force it is a conflict', async () => {
  const s = await withImage();
  s.users.set(s.id, { id: 'd'.repeat(64), running: false });
  await assert.rejects(s.images.remove(s.id, { force: false, noprune: false }), /\(must be forced\) - image is being used by stopped container dddddddddddd/);
  const records = await s.images.remove(s.id, { force: true, noprune: false });
  assert.deepEqual(records, [{ Untagged: 'app:1' }, { Deleted: s.id }]);
  assert.equal(s.images.resolve(s.id).id, s.id);
});

test('a running container: rmi -f by name only untags, rmi -f by ID is refused', async () => {
  const s = await withImage();
  s.users.set(s.id, { id: 'e'.repeat(64), running: true });
  await assert.rejects(s.images.remove(s.id, { force: true, noprune: false }), /\(cannot be forced\) - image is being used by running container eeeeeeeeeeee/);
  assert.deepEqual(await s.images.remove('app:1', { force: true, noprune: false }), [{ Untagged: 'app:1' }]);
  const [dangling] = s.images.list({ all: true, filters: new Map() });
  assert.equal(dangling?.Id, s.id);
  assert.deepEqual(dangling?.RepoTags, []);
});

test('an image deleted under a container comes back when it is added again', async () => {
  const s = await withImage();
  s.users.set(s.id, { id: 'f'.repeat(64), running: false });
  await s.images.remove('app:1', { force: true, noprune: false });
  const entry = await s.store.add(s.config);
  assert.equal(entry.id, s.id);
  await s.images.addTag(entry, 'docker.io/library/app:2');
  assert.equal(s.images.inspect('app:2').Id, s.id);
  s.users.clear();
  await s.images.prune(new Map());
  assert.equal(s.images.inspect('app:2').Id, s.id, 'a visible, tagged image is not swept');
});
