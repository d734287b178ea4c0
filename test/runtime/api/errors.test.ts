// 500 messages reach clients without host paths (the daemon's log has the full error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withoutHostPaths } from '../../../runtime/api/errors.js';

test('absolute paths become their last component; URLs and image names stay', () => {
  assert.equal(withoutHostPaths("ENOENT: no such file or directory, open '/var/lib/berth/containers/abc/config.v2.json'"), "ENOENT: no such file or directory, open '.../config.v2.json'");
  assert.equal(withoutHostPaths('stat /usr/bin/runc: ENOENT'), 'stat .../runc: ENOENT');
  assert.equal(withoutHostPaths('path=/run/berth/x.sock failed'), 'path=.../x.sock failed');
  assert.equal(withoutHostPaths('Get "https://registry-1.docker.io/v2/": dial tcp'), 'Get "https://registry-1.docker.io/v2/": dial tcp');
  assert.equal(withoutHostPaths('image docker.io/library/busybox not found'), 'image docker.io/library/busybox not found');
});
