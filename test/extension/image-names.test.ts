import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageNames } from '../../extension/engine/image-names.js';

test('image names for FROM completion: every tag once, sorted, no dangling entries', () => {
  const names = imageNames([
    { Id: 'sha256:1', RepoTags: ['busybox:latest', 'localhost:5000/tools/busybox:1.36'] },
    { Id: 'sha256:2', RepoTags: ['alpine:3.20', 'busybox:latest'] },
    { Id: 'sha256:3', RepoTags: ['<none>:<none>'] },
    { Id: 'sha256:4', RepoTags: null },
  ]);
  assert.deepEqual(names, ['alpine:3.20', 'busybox:latest', 'localhost:5000/tools/busybox:1.36']);
});
