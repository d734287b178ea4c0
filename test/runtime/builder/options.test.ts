// POST /build parameters: what the CLI and dockerode send, and clear errors for what this engine refuses.
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBuildOptions } from '../../../runtime/builder/options.js';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('the CLI\'s full parameter set', () => {
  const o = parseBuildOptions(q('buildargs={"A":"1","B":null}&cachefrom=["busybox"]&cpushares=2&dockerfile=Other.Dockerfile'
    + '&extrahosts=h:1.2.3.4&forcerm=1&labels={"l1":"v1"}&memory=104857600&networkmode=host&nocache=1'
    + '&platform=linux/amd64&pull=1&q=1&rm=0&shmsize=1073741824&t=myimg:2&t=other&t=other:latest&target=t1&version=1'));
  assert.equal(o.dockerfile, 'Other.Dockerfile');
  assert.deepEqual(o.tags, ['docker.io/library/myimg:2', 'docker.io/library/other:latest']);
  assert.deepEqual([...o.buildArgs], [['A', '1'], ['B', null]]);
  assert.deepEqual([...o.labels], [['l1', 'v1']]);
  assert.equal(o.target, 't1');
  assert.equal(o.noCache, true);
  assert.equal(o.pull, true);
  assert.equal(o.quiet, true);
  assert.equal(o.forceRemove, true);
  assert.equal(o.remove, true, 'forcerm implies rm');
  assert.deepEqual(o.resources, { Memory: 104857600, CpuShares: 2, ShmSize: 1073741824 });
  assert.equal(o.networkMode, 'host');
  assert.deepEqual(o.extraHosts, ['h:1.2.3.4']);
  assert.deepEqual(o.cacheFrom, ['busybox']);
});

test('defaults: Dockerfile, rm on, no tags (dockerode sends true/false)', () => {
  const o = parseBuildOptions(q('t=&nocache=false'));
  assert.equal(o.dockerfile, 'Dockerfile');
  assert.equal(o.remove, true);
  assert.equal(o.noCache, false);
  assert.deepEqual(o.tags, []);
  assert.equal(o.networkMode, 'default');
  assert.equal(parseBuildOptions(q('rm=0')).remove, false);
});

test('platform: this machine\'s, or another architecture through qemu-user-static', () => {
  for (const ok of ['linux/amd64', 'linux', 'LINUX/AMD64', 'linux/x86_64']) {
    assert.deepEqual(parseBuildOptions(q(`platform=${ok}`)).platform, { os: 'linux', architecture: 'amd64' }, ok);
  }
  assert.deepEqual(parseBuildOptions(q('')).platform, { os: 'linux', architecture: 'amd64' }, 'the host\'s when not given');
  // Another architecture: accepted when binfmt_misc runs its programs, else qemu-user-static is named.
  if (existsSync('/proc/sys/fs/binfmt_misc/qemu-aarch64')) {
    assert.deepEqual(parseBuildOptions(q('platform=linux%2Farm64')).platform, { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parseBuildOptions(q('platform=linux%2Faarch64')).platform, { os: 'linux', architecture: 'arm64' });
  } else {
    assert.throws(() => parseBuildOptions(q('platform=linux%2Farm64')), /platform "linux\/arm64" needs emulation .*qemu-user-static/);
  }
  for (const bad of ['windows/amd64', 'darwin']) {
    assert.throws(() => parseBuildOptions(q(`platform=${encodeURIComponent(bad)}`)), new RegExp(`platform "${bad.replace(/\//g, '\\/')}" is not supported: this engine builds linux images only`, 'i'));
  }
  assert.throws(() => parseBuildOptions(q('platform=linux%2Famd64%2Fv3%2Fx')), /is not a platform: use OS\/ARCH\[\/VARIANT\]/);
  assert.throws(() => parseBuildOptions(q('platform=linux%2Fsparc')), /qemu-user-static has no emulator for sparc/);
});

test('bad parameters name the problem', () => {
  assert.throws(() => parseBuildOptions(q('buildargs=nope')), /error reading build args: nope is not valid JSON/);
  assert.throws(() => parseBuildOptions(q('buildargs=[1]')), /expected a JSON object/);
  assert.throws(() => parseBuildOptions(q('labels={"a":1}')), /the value of a must be a string/);
  assert.throws(() => parseBuildOptions(q('t=Bad:Tag!')), /invalid reference format/);
  assert.throws(() => parseBuildOptions(q(`t=${encodeURIComponent('x@sha256:' + 'a'.repeat(64))}`)), /build tag cannot contain a digest/);
  assert.throws(() => parseBuildOptions(q('networkmode=container:x')), /network mode "container:x" is not supported for builds/);
  assert.throws(() => parseBuildOptions(q('memory=abc')), /"memory": abc is not an integer/);
  assert.throws(() => parseBuildOptions(q('extrahosts=justhost')), /invalid extra host "justhost": use HOST:IP/);
  assert.throws(() => parseBuildOptions(q('remote=https://example.com/ctx.tar')), /remote context .* is not supported/);
  assert.throws(() => parseBuildOptions(q('version=2')), /DOCKER_BUILDKIT=0/);
  assert.throws(() => parseBuildOptions(q('dockerfile=/etc/Dockerfile')), /must be inside the build context/);
});
