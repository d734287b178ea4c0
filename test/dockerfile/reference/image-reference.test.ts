// The one reader of image references (engine, linter, editor). The cases are where the three
// copies it replaced disagreed, answered as Docker's distribution/reference answers them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalString, parseReference, splitReference, withDefaultTag } from '../../../dockerfile/reference/image-reference';
import { parseImageRef } from '../../../dockerfile/lint/views';
import { parseImageReference } from '../../../language-server/image-reference';

const canon = (s: string): string => {
  const r = parseReference(s);
  return r.ok ? canonicalString(withDefaultTag(r.ref)) : `error: ${r.error}`;
};

test('a first component with an uppercase letter is a registry (Docker: repository paths are lowercase)', () => {
  assert.equal(canon('Registry/app:1'), 'Registry/app:1');
  assert.deepEqual(parseImageRef('Registry/app:1'), { registry: 'Registry', path: 'app', tag: '1', digest: null });
  assert.equal(parseImageReference('Registry/app:1')?.registry, 'Registry');
  assert.match(canon('App'), /must be lowercase/);
});

test('a colon before the last slash is not a tag', () => {
  // The linter's old copy read `c/d` as the tag here; Docker sees no tag and refuses the path.
  assert.deepEqual(parseImageRef('a/b:c/d'), { registry: null, path: 'a/b:c/d', tag: null, digest: null });
  assert.match(canon('a/b:c/d'), /invalid repository name/);
});

test('host:port without a path is a name and a tag', () => {
  assert.deepEqual(parseImageRef('localhost:5000'), { registry: null, path: 'localhost', tag: '5000', digest: null });
  assert.equal(canon('localhost:5000'), 'docker.io/library/localhost:5000');
  assert.equal(canon('localhost:5000/app'), 'localhost:5000/app:latest');
});

test('offsets of the name and the tag in the written text', () => {
  const p = splitReference('ghcr.io/o/a:1.2@sha256:abc');
  assert.deepEqual(p, { domain: 'ghcr.io', path: 'o/a', tag: '1.2', digest: 'sha256:abc', nameEnd: 11, tagStart: 12 });
  assert.equal(parseImageReference('${IMAGE}'), null);
  assert.equal(parseImageReference(''), null);
});

test('digest and tag together; index.docker.io is docker.io', () => {
  const d = `sha256:${'b'.repeat(64)}`;
  assert.equal(canon(`index.docker.io/me/x:1@${d}`), `docker.io/me/x:1@${d}`);
  assert.match(canon('busybox@sha256:12'), /digest/);
});
