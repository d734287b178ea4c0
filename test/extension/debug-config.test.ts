// The `berth` debug type's configuration: checked with messages naming the field, defaults filled in,
// the attach configuration of each debugger with the workspace mapped into the container, and the
// container command with the debugger on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debugCommand } from '../../extension/debug/debug-command';
import { attachConfiguration, resolveBerthDebug, type ResolvedBerthDebug } from '../../extension/debug/debug-config';
import { launchConfiguration } from '../../extension/scaffold/templates/launch';
import { checkRunDefinition } from '../../extension/tasks/run-task-definition';

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

test('berth-run task definitions are checked field by field', () => {
  assert.match(String(checkRunDefinition({ type: 'berth-run' })), /"image"/);
  assert.match(String(checkRunDefinition({ type: 'berth-run', image: 'x', ports: [{ hostPort: 1 }] })), /"ports"/);
  assert.match(String(checkRunDefinition({ type: 'berth-run', image: 'x', debug: 'ruby' })), /"debug"/);
  assert.equal(typeof checkRunDefinition({ type: 'berth-run', image: 'x', ports: [{ containerPort: 3000 }], debug: 'node' }), 'object');
});
