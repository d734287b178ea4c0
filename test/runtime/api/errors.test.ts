// 500 messages reach clients without host paths (the daemon's log has the full error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { internalMessage, withoutHostPaths } from '../../../runtime/api/errors.js';
import { DiskFullError, setEngineRoot } from '../../../runtime/errdefs.js';

test('absolute paths become their last component; URLs and image names stay', () => {
  assert.equal(withoutHostPaths("ENOENT: no such file or directory, open '/var/lib/berth/containers/abc/config.v2.json'"), "ENOENT: no such file or directory, open '.../config.v2.json'");
  assert.equal(withoutHostPaths('stat /usr/bin/runc: ENOENT'), 'stat .../runc: ENOENT');
  assert.equal(withoutHostPaths('path=/run/berth/x.sock failed'), 'path=.../x.sock failed');
  assert.equal(withoutHostPaths('Get "https://registry-1.docker.io/v2/": dial tcp'), 'Get "https://registry-1.docker.io/v2/": dial tcp');
  assert.equal(withoutHostPaths('image docker.io/library/busybox not found'), 'image docker.io/library/busybox not found');
});

test('a full disk names the engine\'s root: the one host path a client is meant to see', () => {
  setEngineRoot('/var/lib/berth');
  const full = new DiskFullError('unpacking a layer');
  assert.match(internalMessage(full), /no space left on device: unpacking a layer in the engine's root \/var\/lib\/berth failed/);
  assert.match(internalMessage(new Error('open /var/lib/berth/containers/x/config.v2.json: EIO')), /open \.\.\.\/config\.v2\.json/);
});
