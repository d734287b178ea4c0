// Build platforms: Docker's spellings, and which local image serves which platform.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isNative, parseBuildPlatform, platformMatches } from '../../../runtime/builder/platform.js';

test('Docker\'s spellings of an architecture come out as one', () => {
  assert.deepEqual(parseBuildPlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parseBuildPlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parseBuildPlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parseBuildPlatform('linux/armhf'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parseBuildPlatform('linux/arm/v6'), { os: 'linux', architecture: 'arm', variant: 'v6' });
  assert.deepEqual(parseBuildPlatform('Linux/X86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parseBuildPlatform('linux'), { os: 'linux', architecture: 'amd64' });
  assert.equal(isNative(parseBuildPlatform('linux/amd64')), process.arch === 'x64');
});

test('a malformed or non-linux platform is refused by name', () => {
  assert.throws(() => parseBuildPlatform('linux//v7'), /"linux\/\/v7" is not a platform/);
  assert.throws(() => parseBuildPlatform(''), /"" is not a platform/);
  assert.throws(() => parseBuildPlatform('windows/amd64', 'FROM --platform'), /FROM --platform "windows\/amd64" is not supported: this engine builds linux images only/);
});

test('an image serves a platform when os and architecture agree (and the variant, when both name one)', () => {
  const arm64 = parseBuildPlatform('linux/arm64');
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm64' }, arm64), true);
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, arm64), true);
  assert.equal(platformMatches({ os: 'linux', architecture: 'amd64' }, arm64), false);
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parseBuildPlatform('linux/arm/v7')), false);
  assert.equal(platformMatches({ os: 'linux', architecture: 'arm' }, parseBuildPlatform('linux/arm/v7')), true);
});
