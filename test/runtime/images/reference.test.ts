import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalString, familiarString, looksLikeImageId, parseReference, parseRepositoryReference, withDefaultTag,
} from '../../../runtime/images/reference.js';

const canon = (s: string): string => canonicalString(withDefaultTag(parseReference(s)));
const DIGEST = `sha256:${'a'.repeat(64)}`;

test('one-component docker.io names get library/ and latest', () => {
  assert.equal(canon('busybox'), 'docker.io/library/busybox:latest');
  assert.equal(canon('docker.io/library/busybox'), 'docker.io/library/busybox:latest');
  assert.equal(canon('index.docker.io/busybox:1.36'), 'docker.io/library/busybox:1.36');
});

test('user repositories and registries with ports', () => {
  assert.equal(canon('me/x:1'), 'docker.io/me/x:1');
  assert.equal(canon('localhost:5000/y:2'), 'localhost:5000/y:2');
  assert.equal(canon('localhost/y'), 'localhost/y:latest');
  assert.equal(canon('ghcr.io/a/b/c'), 'ghcr.io/a/b/c:latest');
});

test('digests are kept and get no default tag', () => {
  assert.equal(canon(`busybox@${DIGEST}`), `docker.io/library/busybox@${DIGEST}`);
  assert.equal(familiarString(parseReference(`localhost:5000/y@${DIGEST}`)), `localhost:5000/y@${DIGEST}`);
});

test('familiar strings drop docker.io and library/', () => {
  assert.equal(familiarString(withDefaultTag(parseReference('docker.io/library/busybox'))), 'busybox:latest');
  assert.equal(familiarString(parseReference('docker.io/me/x:1')), 'me/x:1');
  assert.equal(familiarString(parseReference('docker.io/library/a/b:1')), 'library/a/b:1');
});

test('invalid references are rejected with a clear message', () => {
  assert.throws(() => parseReference('BusyBox'), /must be lowercase/);
  assert.throws(() => parseReference('busybox:'), /invalid tag/);
  assert.throws(() => parseReference('a@sha256:123'), /digest/);
  assert.throws(() => parseReference(''), /empty/);
  assert.throws(() => parseRepositoryReference('a'.repeat(64)), /64-byte hexadecimal/);
});

test('image ID forms', () => {
  assert.ok(looksLikeImageId('sha256:abc'));
  assert.ok(looksLikeImageId('4cf3974ee82b'));
  assert.ok(!looksLikeImageId('busybox'));
});
