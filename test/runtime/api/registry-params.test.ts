// Pull's and import's `platform` parameter: the builder's parser, the machine's platform when absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePlatform } from '../../../runtime/api/routes/registry-params.js';
import { hostPlatform } from '../../../runtime/images/platform.js';

test('a pull\'s platform is normalised as Docker normalises it', () => {
  assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux/armhf'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  assert.deepEqual(parsePlatform('LINUX/X86_64'), { os: 'linux', architecture: 'amd64' });
  assert.deepEqual(parsePlatform('arm64'), { os: 'linux', architecture: 'arm64' });
  assert.deepEqual(parsePlatform('linux'), hostPlatform());
});

test('no platform is this machine\'s', () => {
  assert.deepEqual(parsePlatform(null), hostPlatform());
  assert.deepEqual(parsePlatform(''), hostPlatform());
  assert.equal(hostPlatform().architecture, process.arch === 'x64' ? 'amd64' : process.arch);
});

test('a malformed or non-linux platform is refused by name', () => {
  assert.throws(() => parsePlatform('linux//v7'), /platform "linux\/\/v7" is not a platform/);
  assert.throws(() => parsePlatform('windows/amd64'), /platform "windows\/amd64" is not supported: this engine runs linux images only/);
});
