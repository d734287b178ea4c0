// The `berth` debug type's configuration: checked with messages naming the field, defaults filled in,
// the attach configuration of each debugger with the workspace mapped into the container, and the
// container command with the debugger on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debugCommand } from '../../extension/debug/debug-command';
import { attachConfiguration, resolveBerthDebug, type ResolvedBerthDebug } from '../../extension/debug/debug-config';
import { launchConfiguration } from '../../extension/scaffold/templates/launch';
import { withDebugger } from '../../extension/run/run-debugger';
import type { CreateBody } from '../../extension/run/run-options';

function resolved(raw: Record<string, unknown>): ResolvedBerthDebug {
  const r = resolveBerthDebug(raw, '/work/My App');
  assert.notEqual(typeof r, 'string', String(r));
  return r as ResolvedBerthDebug;
}

test('defaults: the folder Dockerfile and context, <folder>:dev, the platform debug port, /app', () => {
  const r = resolved({ platform: 'python', name: 'x' });
  assert.equal(r.dockerfile, '/work/My App/Dockerfile');
  assert.equal(r.context, '/work/My App');
  assert.equal(r.image, 'my-app:dev');
  assert.equal(r.debugPort, 5678);
  assert.equal(r.remoteRoot, '/app');
  assert.equal(r.localRoot, '/work/My App');
  assert.equal(r.attachTimeout, 30_000);
});

test('wrong fields are named', () => {
  assert.match(String(resolveBerthDebug({ platform: 'ruby' }, '/w')), /"platform" must be/);
  assert.match(String(resolveBerthDebug({ platform: 'node', appPort: 70000 }, '/w')), /"appPort" must be a port/);
  assert.match(String(resolveBerthDebug({ platform: 'node', remoteRoot: 'app' }, '/w')), /"remoteRoot" must be an absolute/);
  assert.match(String(resolveBerthDebug({ platform: 'node', env: { A: 1 } }, '/w')), /"env" must map/);
});

test('node attaches VS Code\'s JavaScript debugger with localRoot/remoteRoot', () => {
  const c = attachConfiguration(resolved({ platform: 'node', name: 'N', localRoot: '/work/My App', remoteRoot: '/app' }), 49200, 'c1');
  assert.equal(c.type, 'node');
  assert.equal(c.request, 'attach');
  assert.equal(c.port, 49200);
  assert.equal(c.address, '127.0.0.1');
  assert.equal(c.localRoot, '/work/My App');
  assert.equal(c.remoteRoot, '/app');
});

test('python attaches debugpy with pathMappings', () => {
  const c = attachConfiguration(resolved({ platform: 'python', name: 'P' }), 49300, 'c2');
  assert.equal(c.type, 'debugpy');
  assert.equal(c.request, 'attach');
  assert.deepEqual(c.connect, { host: '127.0.0.1', port: 49300 });
  assert.deepEqual(c.pathMappings, [{ localRoot: '/work/My App', remoteRoot: '/app' }]);
});

test('go attaches Delve in remote mode with substitutePath', () => {
  const c = attachConfiguration(resolved({ platform: 'go', name: 'G', remoteRoot: '/src' }), 49400, 'c3');
  assert.equal(c.type, 'go');
  assert.equal(c.mode, 'remote');
  assert.deepEqual(c.substitutePath, [{ from: '/work/My App', to: '/src' }]);
});

test('the scaffold writes a berth configuration for node, python and go (Go with the debug stage), none for java and .NET', () => {
  const opts = { port: 8000, hostPort: 8001 };
  const py = launchConfiguration({ ecosystem: 'python', name: 'api', servesHttp: true, python: { entry: { kind: 'script', path: 'app.py' }, requirements: 'none' } }, opts);
  assert.deepEqual(py, {
    type: 'berth', request: 'launch', name: 'Berth: Debug Python in a Container', platform: 'python',
    dockerfile: '${workspaceFolder}/Dockerfile', context: '${workspaceFolder}', image: 'api:dev',
    appPort: 8000, hostPort: 8001, debugPort: 5678, localRoot: '${workspaceFolder}', remoteRoot: '/app',
  });
  const go = launchConfiguration({ ecosystem: 'go', name: 'svc', servesHttp: true, go: { module: 'x' } }, opts);
  assert.equal(go?.target, 'debug');
  assert.equal(go?.remoteRoot, '/src');
  assert.equal(launchConfiguration({ ecosystem: 'java', name: 'j', servesHttp: true }, opts), undefined);
  assert.equal(launchConfiguration({ ecosystem: 'dotnet', name: 'd', servesHttp: true }, opts), undefined);
});

test('the debug command: node gets --inspect after node, else NODE_OPTIONS; python runs under debugpy', () => {
  assert.deepEqual(debugCommand('node', { entrypoint: [], cmd: ['node', 'server.js'] }, 9229), { entrypoint: [], cmd: ['node', '--inspect=0.0.0.0:9229', 'server.js'], env: {} });
  assert.deepEqual(debugCommand('node', { entrypoint: ['docker-entrypoint.sh'], cmd: ['npm', 'start'] }, 9229), { env: { NODE_OPTIONS: '--inspect=0.0.0.0:9229' } });
  assert.deepEqual(debugCommand('python', { entrypoint: [], cmd: ['python', '-m', 'app'] }, 5678), {
    entrypoint: [], cmd: ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', '-m', 'app'], env: {},
  });
  assert.match(String(debugCommand('python', { entrypoint: [], cmd: ['gunicorn', 'app:app'] }, 5678)), /does not start with python/);
});

test('berth-run with debug: the command under the debugger, its port published on 127.0.0.1 (another when taken)', async () => {
  const body: CreateBody = { Image: 'app', ExposedPorts: {}, HostConfig: { PortBindings: {}, AutoRemove: false } } as CreateBody;
  const free = { isFree: async () => true, anyFree: async () => 40000 };
  const node = await withDebugger(body, { Entrypoint: null, Cmd: ['node', 'server.js'] }, 'node', undefined, free);
  assert.notEqual(typeof node, 'string');
  if (typeof node === 'string') return;
  assert.deepEqual(node.body.Cmd, ['node', '--inspect=0.0.0.0:9229', 'server.js']);
  assert.deepEqual(node.body.HostConfig.PortBindings['9229/tcp'], [{ HostIp: '127.0.0.1', HostPort: '9229' }]);
  const npm = await withDebugger({ ...body, Cmd: ['npm', 'start'] }, { Cmd: ['node', 'x.js'] }, 'node', 9300, { isFree: async () => false, anyFree: async () => 40001 });
  if (typeof npm === 'string') throw new Error(npm);
  assert.deepEqual(npm.body.Env, ['NODE_OPTIONS=--inspect=0.0.0.0:9300'], 'a command that is not node gets NODE_OPTIONS');
  assert.equal(npm.moved, true);
  assert.deepEqual(npm.body.HostConfig.PortBindings['9300/tcp'], [{ HostIp: '127.0.0.1', HostPort: '40001' }]);
  const py = await withDebugger(body, { Entrypoint: ['python'], Cmd: ['app.py'] }, 'python', undefined, undefined);
  if (typeof py === 'string') throw new Error(py);
  assert.deepEqual([...(py.body.Entrypoint ?? []), ...(py.body.Cmd ?? [])], ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', 'app.py']);
  assert.match(String(await withDebugger(body, { Cmd: ['/app/run.sh'] }, 'python', undefined, undefined)), /does not start with python/);
});
