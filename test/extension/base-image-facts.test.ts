// The extension's side of base image facts over a fake engine: references matched to the engine's
// tags, one image list per change of the engine's images, one inspect per image id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BaseImageResolver, familiarReference, type ImageEngine, type ImageInspect } from '../../extension/engine/base-image-facts';

test('references as engines list tags', () => {
  assert.equal(familiarReference('node'), 'node:latest');
  assert.equal(familiarReference('docker.io/library/node:22'), 'node:22');
  assert.equal(familiarReference('index.docker.io/me/app'), 'me/app:latest');
  assert.equal(familiarReference('localhost:5000/x'), 'localhost:5000/x:latest');
  assert.equal(familiarReference('node@sha256:abc'), 'node@sha256:abc');
});

test('the resolver: one image list per change, one inspect per image id, nothing for images the engine lacks', async () => {
  const calls: string[] = [];
  let id = 'sha256:aaa';
  const engine: ImageEngine = {
    listImages: async () => { calls.push('list'); return [{ Id: id, RepoTags: ['node:22', 'node:latest'] }]; },
    getImage: (name) => ({
      inspect: async (): Promise<ImageInspect> => {
        calls.push(`inspect ${name}`);
        return { Id: id, Created: '2026-01-01T00:00:00Z', Size: 5, Os: 'linux', Architecture: 'amd64', Config: { Env: ['A=1'], User: 'node', WorkingDir: '/app', ExposedPorts: { '80/tcp': {} }, Cmd: 'node' } };
      },
    }),
  };
  const r = new BaseImageResolver(() => engine);
  const first = await r.resolve(['node:22', 'docker.io/library/node', 'gone:1']);
  assert.deepEqual(first.map((a) => a.image?.user ?? null), ['node', 'node', null]);
  assert.deepEqual(first[0].image?.exposedPorts, ['80/tcp']);
  assert.deepEqual(first[0].image?.cmd, ['node']);
  await r.resolve(['node:22']);
  assert.deepEqual(calls, ['list', 'inspect sha256:aaa']);
  r.invalidate();
  await r.resolve(['node:22']);
  assert.deepEqual(calls, ['list', 'inspect sha256:aaa', 'list'], 'the same id is not inspected again');
  id = 'sha256:bbb';
  r.invalidate();
  await r.resolve(['node:22']);
  assert.deepEqual(calls.slice(3), ['list', 'inspect sha256:bbb']);
  const none = new BaseImageResolver(() => undefined);
  assert.deepEqual(await none.resolve(['node:22']), [{ reference: 'node:22', image: null }]);
});

test('an engine that fails to list answers every reference with null and logs why', async () => {
  const lines: string[] = [];
  const engine: ImageEngine = { listImages: async () => { throw new Error('connect ENOENT'); }, getImage: () => assert.fail('no inspect') };
  const r = new BaseImageResolver(() => engine, (l) => lines.push(l));
  assert.deepEqual(await r.resolve(['a:1']), [{ reference: 'a:1', image: null }]);
  assert.match(lines.join('\n'), /connect ENOENT/);
});
