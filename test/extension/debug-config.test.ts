// The `berth` debug type's configuration: checked with messages naming the field, defaults filled in,
// the attach configuration of each debugger (node, python, go, java, .NET) with the workspace mapped
// into the container, the build options, the container command with the debugger on, and the images
// that add a missing debugger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { debugCommand } from '../../extension/debug/debug-command';
import { attachConfiguration, resolveBerthDebug, type ResolvedBerthDebug } from '../../extension/debug/debug-config';
import { addOnDockerfile, addOnFor, addOnTag } from '../../extension/debug/debug-image';
import { scaffoldPlan } from '../../extension/scaffold/scaffold-plan';
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
  const c = attachConfiguration(resolved({ platform: 'node', name: 'N', localRoot: '/work/My App', remoteRoot: '/app' }), { debugHostPort: 49200, containerId: 'id1', containerName: 'c1' });
  assert.equal(c.type, 'node');
  assert.equal(c.request, 'attach');
  assert.equal(c.port, 49200);
  assert.equal(c.address, '127.0.0.1');
  assert.equal(c.localRoot, '/work/My App');
  assert.equal(c.remoteRoot, '/app');
  assert.equal(c.name, 'N (c1)');
  assert.equal(c.__berthContainer, 'id1');
});

test('python attaches debugpy with pathMappings', () => {
  const c = attachConfiguration(resolved({ platform: 'python', name: 'P' }), { debugHostPort: 49300, containerId: 'id2', containerName: 'c2' });
  assert.equal(c.type, 'debugpy');
  assert.equal(c.request, 'attach');
  assert.deepEqual(c.connect, { host: '127.0.0.1', port: 49300 });
  assert.deepEqual(c.pathMappings, [{ localRoot: '/work/My App', remoteRoot: '/app' }]);
});

test('go attaches Delve in remote mode with substitutePath', () => {
  const c = attachConfiguration(resolved({ platform: 'go', name: 'G', remoteRoot: '/src' }), { debugHostPort: 49400, containerId: 'id3', containerName: 'c3' });
  assert.equal(c.type, 'go');
  assert.equal(c.mode, 'remote');
  assert.deepEqual(c.substitutePath, [{ from: '/work/My App', to: '/src' }]);
});

test('java attaches the Java debugger over JDWP to the published port', () => {
  const r = resolved({ platform: 'java', name: 'J' });
  assert.equal(r.debugPort, 5005);
  const c = attachConfiguration(r, { debugHostPort: 49500, containerId: 'id4', containerName: 'c4' });
  assert.deepEqual(c, { type: 'java', request: 'attach', hostName: '127.0.0.1', port: 49500, name: 'J (c4)', __berthContainer: 'id4' });
});

test('.NET attaches vsdbg through docker exec against the engine in use, with the build folder mapped to the workspace', () => {
  const r = resolved({ platform: 'dotnet', name: 'D', remoteRoot: '/src' });
  assert.equal(r.debugPort, 0, 'vsdbg listens on no port');
  const c = attachConfiguration(r, { containerId: 'abc123', containerName: 'c5', exec: { cli: 'docker', dockerHost: 'unix:///run/berth/engine.sock' } });
  assert.deepEqual(c, {
    type: 'coreclr', request: 'attach', processId: 1,
    pipeTransport: {
      pipeProgram: 'docker', pipeArgs: ['exec', '-i', 'abc123'], pipeCwd: '/work/My App', debuggerPath: '/vsdbg/vsdbg', quoteArgs: false,
      pipeEnv: { DOCKER_HOST: 'unix:///run/berth/engine.sock' },
    },
    sourceFileMap: { '/src': '/work/My App' },
    justMyCode: true,
    name: 'D (c5)', __berthContainer: 'abc123',
  });
});

test('build options: checked as the berth-build task checks them, the tag, context and target from the configuration', () => {
  const r = resolved({ platform: 'dotnet', image: 'svc:dev', target: 'final', build: { buildArgs: { CONFIGURATION: 'Debug' }, secrets: ['id=npm,src=.npmrc'], noCache: true } });
  assert.deepEqual(r.build, {
    tag: 'svc:dev', context: '/work/My App', target: 'final', buildArgs: { CONFIGURATION: 'Debug' },
    secrets: [{ id: 'npm', src: '/work/My App/.npmrc' }], ssh: [], platform: undefined, noCache: true, pull: false,
  });
  assert.deepEqual(resolved({ platform: 'node' }).build.buildArgs, {});
  assert.match(String(resolveBerthDebug({ platform: 'node', build: { buildArgs: { A: 1 } } }, '/w')), /"build\.buildArgs" must map names to strings/);
  assert.match(String(resolveBerthDebug({ platform: 'node', build: { secrets: ['id=x'] } }, '/w')), /"build\.secrets": secret "x" says neither/);
  assert.match(String(resolveBerthDebug({ platform: 'node', build: { tag: 'x' } }, '/w')), /"build" has no field "tag"/);
  assert.match(String(resolveBerthDebug({ platform: 'node', build: { platform: 'amd64' } }, '/w')), /"amd64" is not a platform/);
});

test('the scaffold writes a berth configuration for every ecosystem (Go with the debug stage, .NET a Debug build)', () => {
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
  const java = launchConfiguration({ ecosystem: 'java', name: 'j', servesHttp: true, java: { build: 'maven', gradleWrapper: false } }, opts);
  assert.deepEqual(java, {
    type: 'berth', request: 'launch', name: 'Berth: Debug Java in a Container', platform: 'java',
    dockerfile: '${workspaceFolder}/Dockerfile', context: '${workspaceFolder}', image: 'j:dev',
    appPort: 8000, hostPort: 8001, debugPort: 5005, localRoot: '${workspaceFolder}', remoteRoot: '/app',
  });
  const dotnet = launchConfiguration({ ecosystem: 'dotnet', name: 'd', servesHttp: true, dotnet: { project: 'D.csproj', assembly: 'D' } }, opts);
  assert.deepEqual(dotnet, {
    type: 'berth', request: 'launch', name: 'Berth: Debug .NET in a Container', platform: 'dotnet',
    dockerfile: '${workspaceFolder}/Dockerfile', context: '${workspaceFolder}', image: 'd:dev',
    build: { buildArgs: { CONFIGURATION: 'Debug' } },
    appPort: 8000, hostPort: 8001, localRoot: '${workspaceFolder}', remoteRoot: '/src',
  });
  // What the scaffold writes is what the debug type accepts.
  for (const c of [py, go, java, dotnet]) {
    assert.notEqual(typeof resolveBerthDebug(JSON.parse(JSON.stringify(c).replace(/\$\{workspaceFolder\}/g, '/w')), '/w'), 'string', JSON.stringify(c));
  }
});

test('the scaffolded Java and .NET Dockerfiles start the app as the debug configuration expects', () => {
  const opts = { port: 8080, hostPort: 8080, compose: false, cacheMounts: true };
  const java = scaffoldPlan({ ecosystem: 'java', name: 'j', servesHttp: true, java: { build: 'maven', gradleWrapper: false } }, opts).files.find((f) => f.path === 'Dockerfile')!.content;
  // Exec form: the JVM is the process the environment (JAVA_TOOL_OPTIONS) is given to.
  assert.match(java, /^ENTRYPOINT \["java", "-jar", "\/app\/app\.jar"\]$/m);
  const dotnet = scaffoldPlan({ ecosystem: 'dotnet', name: 'd', servesHttp: true, dotnet: { project: 'D.csproj', assembly: 'D' } }, opts).files.find((f) => f.path === 'Dockerfile')!.content;
  assert.match(dotnet, /^ARG CONFIGURATION=Release$/m);
  assert.match(dotnet, /^WORKDIR \/src$/m);
  assert.match(dotnet, /dotnet publish D\.csproj -c "\$CONFIGURATION"/);
  // vsdbg attaches to process 1: the app itself, not a shell.
  assert.match(dotnet, /^ENTRYPOINT \["dotnet", "D\.dll"\]$/m);
});

test('the debug command: node gets --inspect after node, else NODE_OPTIONS; python runs under debugpy', () => {
  assert.deepEqual(debugCommand('node', { entrypoint: [], cmd: ['node', 'server.js'] }, 9229), { entrypoint: [], cmd: ['node', '--inspect=0.0.0.0:9229', 'server.js'], env: {} });
  assert.deepEqual(debugCommand('node', { entrypoint: ['docker-entrypoint.sh'], cmd: ['npm', 'start'] }, 9229), { env: { NODE_OPTIONS: '--inspect=0.0.0.0:9229' } });
  assert.deepEqual(debugCommand('python', { entrypoint: [], cmd: ['python', '-m', 'app'] }, 5678), {
    entrypoint: [], cmd: ['python', '-m', 'debugpy', '--listen', '0.0.0.0:5678', '-m', 'app'], env: {},
  });
  assert.match(String(debugCommand('python', { entrypoint: [], cmd: ['gunicorn', 'app:app'] }, 5678)), /does not start with python/);
  assert.deepEqual(debugCommand('java', { entrypoint: ['java', '-jar', '/app/app.jar'], cmd: [] }, 5005), {
    env: { JAVA_TOOL_OPTIONS: '-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005' },
  });
  assert.deepEqual(debugCommand('dotnet', { entrypoint: ['dotnet', 'D.dll'], cmd: [] }, 0), { env: {} });
});

test('the debugger add-on images: debugpy with pip as root, vsdbg from the SDK image, the app image otherwise unchanged', () => {
  assert.equal(addOnTag('api:dev', 'debugpy'), 'api:dev-debugpy');
  assert.equal(addOnTag('localhost:5000/api', 'vsdbg'), 'localhost:5000/api:vsdbg');
  assert.equal(addOnDockerfile('api:dev', 'debugpy', '10001:10001'), 'FROM api:dev\nUSER 0\nRUN python -m pip install --no-cache-dir debugpy\nUSER 10001:10001\n');
  const vsdbg = addOnDockerfile('svc:dev', 'vsdbg', '10001');
  assert.match(vsdbg, /^FROM mcr\.microsoft\.com\/dotnet\/sdk:8\.0 AS vsdbg$/m);
  assert.match(vsdbg, /getvsdbg\.sh -v latest -l \/vsdbg/);
  assert.match(vsdbg, /^FROM svc:dev\nCOPY --from=vsdbg \/vsdbg \/vsdbg\n$/m);
  assert.equal(addOnFor('python'), 'debugpy');
  assert.equal(addOnFor('dotnet'), 'vsdbg');
  assert.equal(addOnFor('java'), undefined);
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
