// Platform specifiers read and normalised as containerd's platforms.Parse and Normalize do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goArch, normalizePlatform, parsePlatform } from '../../../dockerfile/platform/platforms.js';

const HOST = { os: 'linux', architecture: 'amd64' };

test('Docker\'s spellings of an architecture come out as one', () => {
  const cases: [string, object][] = [
    ['linux/amd64', { os: 'linux', architecture: 'amd64' }],
    ['Linux/X86_64', { os: 'linux', architecture: 'amd64' }],
    ['linux/x86-64', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v1', { os: 'linux', architecture: 'amd64' }],
    ['linux/amd64/v3', { os: 'linux', architecture: 'amd64', variant: 'v3' }],
    ['linux/i386', { os: 'linux', architecture: '386' }],
    ['linux/aarch64', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/v8', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/8', { os: 'linux', architecture: 'arm64' }],
    ['linux/arm64/9', { os: 'linux', architecture: 'arm64', variant: 'v9' }],
    ['linux/arm', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/7', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/arm/6', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/arm/v5', { os: 'linux', architecture: 'arm', variant: 'v5' }],
    ['linux/armhf', { os: 'linux', architecture: 'arm', variant: 'v7' }],
    ['linux/armel', { os: 'linux', architecture: 'arm', variant: 'v6' }],
    ['linux/s390x', { os: 'linux', architecture: 's390x' }],
    ['macos/arm64', { os: 'darwin', architecture: 'arm64' }],
  ];
  for (const [raw, want] of cases) assert.deepEqual(parsePlatform(raw, HOST), want, raw);
});

test('one word is an OS (the machine\'s architecture) or else an architecture (the machine\'s OS)', () => {
  assert.deepEqual(parsePlatform('linux', HOST), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('linux', { os: 'linux', architecture: 'arm', variant: 'v6' }), { os: 'linux', architecture: 'arm', variant: 'v6' });
  assert.deepEqual(parsePlatform('windows', HOST), { os: 'windows', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('arm64', HOST), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('aarch64', HOST), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('armhf', HOST), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.match(parsePlatform('beos', HOST) as string, /"beos" is neither an operating system nor an architecture/);
});

test('a malformed specifier is a message, not a platform', () => {
  for (const raw of ['', 'linux//v7', 'linux/', '/amd64', 'linux/arm/v7/x', 'linux/*', 'linux/amd 64']) {
    assert.match(parsePlatform(raw, HOST) as string, /is not a platform: use OS\/ARCH\[\/VARIANT\]/, raw);
  }
});

test('an image\'s or manifest list entry\'s platform normalises the same way', () => {
  assert.deepEqual(normalizePlatform({ os: 'Linux', architecture: 'aarch64', variant: 'V8' }), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(normalizePlatform({ os: 'linux', architecture: 'arm' }), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(normalizePlatform({ os: 'windows', architecture: 'amd64', osVersion: '10.0.17763' }), { os: 'windows', architecture: 'amd64', osVersion: '10.0.17763' });
});

test('Node\'s architecture names become Go\'s', () => {
  assert.equal(goArch('x64'), 'amd64');
  assert.equal(goArch('ia32'), '386');
  assert.equal(goArch('arm64'), 'arm64');
  assert.equal(goArch('ppc64'), 'ppc64le');
  assert.equal(goArch('ppc64', false), 'ppc64');
});
