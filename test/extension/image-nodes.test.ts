import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageTree, splitRepoTag, type ImageSummary } from '../../extension/views/image-nodes.js';
import { resourcesOf } from '../../extension/views/view-node.js';

const now = 1_700_000_000_000;
const images: ImageSummary[] = [
  { Id: 'sha256:' + '1'.repeat(64), RepoTags: ['busybox:latest', 'localhost:5000/tools/busybox:1.36'], Created: now / 1000 - 3 * 86400, Size: 1_990_000 },
  { Id: 'sha256:' + '2'.repeat(64), RepoTags: ['busybox:old'], Created: now / 1000 - 40 * 86400, Size: 4_200_000 },
  { Id: 'sha256:' + '3'.repeat(64), RepoTags: ['<none>:<none>'], Created: now / 1000 - 60, Size: 512 },
  { Id: 'sha256:' + '4'.repeat(64), RepoTags: null, RepoDigests: ['busybox@sha256:abc'], Created: now / 1000 - 120, Size: 1000 },
];

test('repository then tag: registry ports are not tags', () => {
  assert.deepEqual(splitRepoTag('busybox:latest'), ['busybox', 'latest']);
  assert.deepEqual(splitRepoTag('localhost:5000/tools/busybox:1.36'), ['localhost:5000/tools/busybox', '1.36']);
  assert.deepEqual(splitRepoTag('localhost:5000/tools/busybox'), ['localhost:5000/tools/busybox', 'latest']);
});

test('images group under their repositories, tags newest first with size and age', () => {
  const tree = imageTree(images, { showDangling: false, nowMs: now });
  assert.deepEqual(tree.map((n) => n.label), ['busybox', 'localhost:5000/tools/busybox']);
  const busybox = tree[0];
  assert.equal(busybox.contextValue, 'image.repository');
  assert.equal(busybox.description, '2 tags');
  assert.deepEqual(busybox.children?.map((c) => [c.label, c.description, c.contextValue]), [
    ['latest', '2.0 MB  ·  3 days ago', 'image.tag'],
    ['old', '4.2 MB  ·  1 month ago', 'image.tag'],
  ]);
  const ref = busybox.children?.[0].resource;
  assert.ok(ref?.kind === 'image');
  assert.equal(ref.ref, 'busybox:latest');
  // A tag row says which image it is to a screen reader: "latest" alone would not.
  assert.equal(busybox.children![0].ariaLabel, 'busybox:latest, 2.0 MB  ·  3 days ago');
  assert.match(busybox.children![0].tooltip(), /Tags: `busybox:latest`, `localhost:5000\/tools\/busybox:1\.36`/);
});

test('dangling images (no tag, or <none>:<none>) show only when asked, under <none>', () => {
  assert.equal(imageTree(images, { showDangling: false, nowMs: now }).some((n) => n.label === '<none>'), false);
  const tree = imageTree(images, { showDangling: true, nowMs: now });
  const none = tree.at(-1)!;
  assert.equal(none.label, '<none>');
  assert.equal(none.contextValue, 'image.danglingGroup');
  assert.deepEqual(none.children?.map((c) => [c.label, c.contextValue]), [
    ['333333333333', 'image.dangling'],
    ['444444444444', 'image.dangling'],
  ]);
  // Removing the <none> group acts on each dangling image by id.
  assert.deepEqual(resourcesOf([none], 'image').map((r) => r.ref ?? r.id.slice(7, 11)), ['3333', '4444']);
});

test('selecting a repository selects each of its tags once', () => {
  const tree = imageTree(images, { showDangling: false, nowMs: now });
  assert.deepEqual(resourcesOf(tree, 'image').map((r) => r.ref), ['busybox:latest', 'busybox:old', 'localhost:5000/tools/busybox:1.36']);
});
