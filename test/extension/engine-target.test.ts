import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineSettingError, resolveEngineTarget } from '../../extension/engine/engine-target.js';

const base = { env: {}, isRoot: true, homeDir: '/home/u' };

test('bundled as root uses /run/berth and /var/lib/berth', () => {
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'bundled' }), {
    kind: 'bundled', socketPath: '/run/berth/engine.sock', root: '/var/lib/berth',
  });
});

test('bundled as a user follows XDG dirs', () => {
  const t = resolveEngineTarget({ ...base, isRoot: false, engine: 'bundled', env: { XDG_RUNTIME_DIR: '/run/user/1000' } });
  assert.deepEqual(t, { kind: 'bundled', socketPath: '/run/user/1000/berth/engine.sock', root: '/home/u/.local/share/berth' });
});

test('bundled socket and root settings override the defaults', () => {
  const t = resolveEngineTarget({ ...base, engine: 'bundled', bundledSocket: '/tmp/s.sock', bundledRoot: '/tmp/r' });
  assert.deepEqual(t, { kind: 'bundled', socketPath: '/tmp/s.sock', root: '/tmp/r' });
});

test('docker uses DOCKER_HOST, then the default socket', () => {
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'docker' }), { kind: 'docker', socketPath: '/var/run/docker.sock' });
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'docker', env: { DOCKER_HOST: 'unix:///x/d.sock' } }), {
    kind: 'docker', socketPath: '/x/d.sock',
  });
  assert.equal(resolveEngineTarget({ ...base, engine: 'docker', env: { DOCKER_HOST: 'ssh://me@box' } }).kind, 'ssh');
});

test('socket paths and ssh hosts', () => {
  assert.deepEqual(resolveEngineTarget({ ...base, engine: '/run/podman/podman.sock' }), { kind: 'socket', socketPath: '/run/podman/podman.sock' });
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'ssh://me@box:2222' }), {
    kind: 'ssh', host: 'box', port: 2222, username: 'me', url: 'ssh://me@box:2222',
  });
});

test('an unknown engine value names the problem and the accepted forms', () => {
  assert.throws(() => resolveEngineTarget({ ...base, engine: 'kubernetes' }), (err: unknown) => {
    assert.ok(err instanceof EngineSettingError);
    assert.match(err.message, /Unknown engine "kubernetes" in setting berth.engine/);
    assert.match(err.message, /ssh:\/\/user@host/);
    return true;
  });
});

test('DOCKER_HOST and the setting are read by one parser (compose\'s): tcp, and a bad DOCKER_HOST named as such', () => {
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'tcp://10.0.0.1' }), { kind: 'tcp', host: '10.0.0.1', port: 2375, url: 'tcp://10.0.0.1' });
  assert.deepEqual(resolveEngineTarget({ ...base, engine: 'docker', env: { DOCKER_HOST: 'tcp://box:2376' } }), { kind: 'tcp', host: 'box', port: 2376, url: 'tcp://box:2376' });
  assert.throws(() => resolveEngineTarget({ ...base, engine: 'docker', env: { DOCKER_HOST: 'npipe:////./pipe/docker' } }), (err: unknown) => {
    assert.ok(err instanceof EngineSettingError);
    assert.match(err.message, /^DOCKER_HOST "npipe:\/\/\/\/.\/pipe\/docker" is not supported: use unix:\/\/PATH, tcp:\/\/HOST:PORT or ssh:\/\/USER@HOST/);
    return true;
  });
  assert.throws(() => resolveEngineTarget({ ...base, engine: 'ssh://' }), /is not a valid engine address|names no host/);
});
