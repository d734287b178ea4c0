import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import type { EngineCtx } from '../../extension/commands/command-context.js';
import { runImageWithOptions } from '../../extension/commands/run-with-options.js';
import { coerceRunOptions, createBody, defaultRunOptions, optionProblems, parseEnvFile, parsePort, parseVolume, splitCommand } from '../../extension/run/run-options.js';
import { inputBoxAnswers, messages, quickPickChoosers } from './fake-vscode.js';

afterEach(() => {
  messages.length = 0;
  inputBoxAnswers.length = 0;
  quickPickChoosers.length = 0;
});

test('docker run flags parsed as the CLI reads them; mistakes named', () => {
  assert.deepEqual(parsePort('8080:80'), { hostIp: '127.0.0.1', hostPort: '8080', containerPort: '80/tcp' });
  assert.deepEqual(parsePort('0.0.0.0:53:53/udp'), { hostIp: '0.0.0.0', hostPort: '53', containerPort: '53/udp' });
  assert.deepEqual(parsePort('3000'), { hostIp: '127.0.0.1', hostPort: '', containerPort: '3000/tcp' });
  assert.match(parsePort('80:http') as string, /is not a port/);
  assert.match(parsePort('70000') as string, /1 to 65535/);
  assert.deepEqual(parseVolume('data:/var/lib/data:ro', '/ws'), { source: 'data', target: '/var/lib/data', readOnly: true });
  assert.deepEqual(parseVolume('./src:/app', '/ws'), { source: '/ws/src', target: '/app', readOnly: false });
  assert.match(parseVolume('data:relative', '/ws') as string, /must be absolute/);
  assert.match(parseVolume('a b:/x', '/ws') as string, /neither a volume name nor a path/);
  assert.deepEqual(parseEnvFile('# c\nA=1\n\nHOME\nMISSING\nB = 2', { HOME: '/root' }), ['A=1', 'HOME=/root', 'B = 2']);
  assert.deepEqual(splitCommand(`sh -c 'echo hi there' "x y"`), ['sh', '-c', 'echo hi there', 'x y']);
  assert.deepEqual(optionProblems({ ...defaultRunOptions([]), name: '-bad', autoRemove: true, restart: 'always' }, '/ws'), [
    '"-bad" is not a container name: letters, digits, "_", "." and "-", starting with a letter or digit',
    '--rm cannot go with a restart policy (the engine refuses it): turn one off',
  ]);
});

test('the create body: ports on loopback with planned host ports, env, bind mounts and volumes, network, restart, --rm, command', () => {
  const o = { ...defaultRunOptions(['80/tcp']), name: 'web', env: ['A=1', 'HOME'], volumes: ['data:/data', '/srv:/srv:ro'], network: 'shop', restart: 'unless-stopped' as const, command: 'sh -c "sleep 1"' };
  assert.deepEqual(createBody('img:1', o, '/ws', ['F=2'], { HOME: '/root' }, new Map([['80/tcp', '18080']])), {
    name: 'web',
    Image: 'img:1',
    Cmd: ['sh', '-c', 'sleep 1'],
    Env: ['F=2', 'A=1', 'HOME=/root'],
    ExposedPorts: { '80/tcp': {} },
    HostConfig: {
      PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] },
      Binds: ['/srv:/srv:ro'],
      Mounts: [{ Type: 'volume', Source: 'data', Target: '/data', ReadOnly: false }],
      NetworkMode: 'shop',
      RestartPolicy: { Name: 'unless-stopped' },
      AutoRemove: false,
    },
  });
  assert.deepEqual(coerceRunOptions({ ports: ['1', 2], restart: 'sometimes', autoRemove: true }, defaultRunOptions(['9/tcp'])), { name: undefined, ports: ['1'], env: [], envFiles: [], volumes: [], network: undefined, restart: 'no', autoRemove: true, command: undefined });
});

test('Run with Options: the menu sets name, env and --rm; the answers are remembered for the image and reused', async () => {
  const created: Record<string, unknown>[] = [];
  const state = new Map<string, unknown>();
  const docker = {
    getImage: () => ({ inspect: async () => ({ Config: { ExposedPorts: { '80/tcp': {} } } }) }),
    listNetworks: async () => [{ Name: 'bridge' }],
    createContainer: async (body: Record<string, unknown>) => {
      created.push(body);
      return { start: async () => undefined, inspect: async () => ({ Id: 'c1', Name: '/demo', NetworkSettings: { Ports: {} } }) };
    },
  };
  const e = {
    docker, connection: { target: { kind: 'tcp' } },
    ctx: { views: { refresh: () => undefined }, extension: { workspaceState: { get: (k: string) => state.get(k), update: async (k: string, v: unknown) => void state.set(k, v) } } },
  } as unknown as EngineCtx;
  const node = { id: 'image:img:1', label: 'img:1', icon: '', contextValue: 'image.tag', tooltip: () => '', resource: { kind: 'image', id: 'sha256:1', ref: 'img:1', repoTags: ['img:1'] } };
  type Row = Record<string, unknown>;
  const row = (action: string) => (items: readonly Row[]) => items.find((i) => i.action === action);
  quickPickChoosers.push(row('name'), row('env'), (items) => items.find((i) => String(i.label).includes('Add')), (items) => items.find((i) => i.done), row('rm'), row('run'));
  inputBoxAnswers.push('demo', 'GREETING=hi');
  await runImageWithOptions(e)(node);
  assert.equal(created.length, 1);
  const body = created[0] as { name: string; Env: string[]; HostConfig: { AutoRemove: boolean; PortBindings: Record<string, unknown> } };
  assert.equal(body.name, 'demo');
  assert.deepEqual(body.Env, ['GREETING=hi']);
  assert.equal(body.HostConfig.AutoRemove, true);
  // A remote engine: the engine picks the host port for EXPOSE 80.
  assert.deepEqual(body.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
  assert.match(messages.at(-1)!.text, /^Started demo from img:1/);
  // The next run starts from the remembered answers: Run at once.
  quickPickChoosers.push(row('run'));
  await runImageWithOptions(e)(node);
  assert.deepEqual(created[1], created[0]);
});

test('the berth-run task definition: checked, with paths from the workspace folder', async () => {
  const { runTaskOptions } = await import('../../extension/run/run-task.js');
  const ok = runTaskOptions({ type: 'berth-run', image: 'app:dev', name: 'app', replace: true, ports: ['3000'], volumes: ['./src:/src:ro'], remove: true }, '/ws');
  assert.ok(typeof ok !== 'string');
  assert.equal(ok.image, 'app:dev');
  assert.equal(ok.replace, true);
  assert.equal(ok.options.autoRemove, true);
  assert.deepEqual(createBody(ok.image, ok.options, '/ws', [], {}).HostConfig.Binds, ['/ws/src:/src:ro']);
  assert.match(runTaskOptions({ type: 'berth-run' }, '/ws') as string, /"image" \(the image to run\) is required/);
  assert.match(runTaskOptions({ type: 'berth-run', image: 'x', ports: 'all' }, '/ws') as string, /"ports" must be a list of strings/);
  assert.match(runTaskOptions({ type: 'berth-run', image: 'x', replace: true }, '/ws') as string, /"replace" needs a "name"/);
  assert.match(runTaskOptions({ type: 'berth-run', image: 'x', restart: 'sometimes' }, '/ws') as string, /"restart" must be no, always/);
  assert.match(runTaskOptions({ type: 'berth-run', image: 'x', ports: ['80:http'] }, '/ws') as string, /is not a port/);
});
