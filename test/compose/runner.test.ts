import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComposeProject } from '../../compose/model/types';
import { configHash } from '../../compose/runner/config-hash';
import { down } from '../../compose/runner/down';
import type { RunnerOutput } from '../../compose/runner/output';
import { up, type UpOptions } from '../../compose/runner/up';
import { FakeEngine } from './fake-engine';
import { load } from './model-fixture';

function project(yaml: string, files: Record<string, string> = {}): ComposeProject {
  const r = load({ 'compose.yaml': yaml, ...files });
  if (!r.ok) assert.fail(r.problem.message);
  return r.project;
}

function recorder(): RunnerOutput & { lines: string[]; warnings: string[] } {
  const lines: string[] = [];
  const warnings: string[] = [];
  return { lines, warnings, progress: (k, n, s) => lines.push(`${k} ${n} ${s}`), warn: (m) => warnings.push(m), buildLog: () => undefined, pullLog: () => undefined };
}

const opts = (o: Partial<UpOptions> = {}): UpOptions => ({ services: [], build: false, forceRecreate: false, noRecreate: false, removeOrphans: false, noDeps: false, wait: false, start: true, ...o });

const BASE = `name: demo
services:
  db:
    image: busybox
    volumes: [data:/data]
  web:
    image: busybox
    environment: {MODE: one}
    depends_on: [db]
    ports: ["8080:80"]
volumes:
  data: {}
`;

test('up creates the network, the volume and PROJECT-SERVICE-N containers with Compose\'s labels, dependencies first', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  const p = project(BASE);
  await up(e, p, opts(), recorder());
  // Created in dependency order, then started in it (docker compose's create, then start).
  assert.deepEqual(e.calls, ['network create demo_default', 'volume create demo_data', 'create demo-db-1', 'create demo-web-1', 'start demo-db-1', 'start demo-web-1']);
  const web = [...e.containers.values()].find((c) => c.name === 'demo-web-1')!;
  const labels = web.body.Labels as Record<string, string>;
  assert.equal(labels['com.docker.compose.project'], 'demo');
  assert.equal(labels['com.docker.compose.service'], 'web');
  assert.equal(labels['com.docker.compose.container-number'], '1');
  assert.equal(labels['com.docker.compose.oneoff'], 'False');
  assert.equal(labels['com.docker.compose.depends_on'], 'db:service_started:false');
  assert.equal(labels['com.docker.compose.config-hash'], configHash(p.services.web));
  assert.equal(labels['com.docker.compose.project.working_dir'], p.workingDir);
  assert.equal(labels['com.docker.compose.project.config_files'], p.configFiles.join(','));
  assert.ok(labels['com.docker.compose.version']);
  assert.deepEqual((web.body.NetworkingConfig as { EndpointsConfig: object }).EndpointsConfig, { demo_default: { Aliases: ['web'] } });
  assert.deepEqual((web.body.HostConfig as { PortBindings: object }).PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.equal(e.networks.get('demo_default')!.Labels['com.docker.compose.network'], 'default');
  assert.equal(e.volumes.get('demo_data')!.Labels['com.docker.compose.volume'], 'data');
});

test('up again changes nothing; a changed service alone is recreated; --force-recreate recreates all', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  await up(e, project(BASE), opts(), recorder());
  e.calls.length = 0;
  await up(e, project(BASE), opts(), recorder());
  assert.deepEqual(e.calls, []);
  await up(e, project(BASE.replace('MODE: one', 'MODE: two')), opts(), recorder());
  assert.deepEqual(e.calls, ['stop demo-web-1', 'remove demo-web-1', 'create demo-web-1', 'start demo-web-1']);
  e.calls.length = 0;
  await up(e, project(BASE.replace('MODE: one', 'MODE: two')), opts({ forceRecreate: true }), recorder());
  assert.deepEqual((e.calls as string[]).filter((c) => c.startsWith('create')), ['create demo-db-1', 'create demo-web-1']);
});

test('the config hash ignores key order and replicas, and follows every other change', () => {
  const a = project('services:\n  s:\n    image: busybox\n    environment: {A: "1", B: "2"}\n').services.s;
  const b = project('services:\n  s:\n    environment: {B: "2", A: "1"}\n    image: busybox\n    scale: 3\n').services.s;
  const c = project('services:\n  s:\n    image: busybox\n    environment: {A: "1", B: "3"}\n').services.s;
  assert.equal(configHash(a), configHash(b));
  assert.notEqual(configHash(a), configHash(c));
  assert.match(configHash(a), /^[0-9a-f]{64}$/);
});

test('scale: replicas numbered from 1, surplus removed highest first', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  await up(e, project('name: s\nservices:\n  w:\n    image: busybox\n    deploy: {replicas: 3}\n'), opts(), recorder());
  assert.deepEqual([...e.containers.values()].map((c) => c.name).sort(), ['s-w-1', 's-w-2', 's-w-3']);
  e.calls.length = 0;
  await up(e, project('name: s\nservices:\n  w:\n    image: busybox\n    scale: 1\n'), opts(), recorder());
  assert.deepEqual(e.calls, ['remove s-w-3', 'remove s-w-2']);
});

test('service_healthy waits for the health status; an unhealthy dependency stops up with its name', async () => {
  const yaml = 'name: h\nservices:\n  db:\n    image: busybox\n    healthcheck: {test: ["CMD", "true"], interval: 1s}\n  web:\n    image: busybox\n    depends_on: {db: {condition: service_healthy}}\n';
  const e = new FakeEngine();
  e.addImage('busybox');
  e.onStart = (c) => { if (c.name === 'h-db-1') setTimeout(() => { c.health = 'healthy'; }, 50); };
  await up(e, project(yaml), opts(), recorder());
  assert.deepEqual(e.calls.filter((c) => c.startsWith('start')), ['start h-db-1', 'start h-web-1']);

  const bad = new FakeEngine();
  bad.addImage('busybox');
  bad.onStart = (c) => { if (c.name === 'h-db-1') setTimeout(() => { c.health = 'unhealthy'; }, 50); };
  await assert.rejects(up(bad, project(yaml), opts(), recorder()), /^Error: dependency failed to start: container h-db-1 is unhealthy$/);
  // As docker compose leaves it: the dependent created (before the wait), never started; down removes it.
  assert.ok(!bad.calls.includes('start h-web-1'));
  assert.equal([...bad.containers.values()].find((c) => c.name === 'h-web-1')?.state, 'created');
});

test('service_completed_successfully: a non-zero exit fails with the code', async () => {
  const yaml = 'name: m\nservices:\n  migrate:\n    image: busybox\n  web:\n    image: busybox\n    depends_on: {migrate: {condition: service_completed_successfully}}\n';
  const e = new FakeEngine();
  e.addImage('busybox');
  e.onStart = (c) => { if (c.name === 'm-migrate-1') setTimeout(() => { c.state = 'exited'; c.exitCode = 3; }, 20); };
  await assert.rejects(up(e, project(yaml), opts(), recorder()), /service "migrate" didn't complete successfully: container m-migrate-1 exited with 3/);
});

test('up --wait fails naming the container whose healthcheck never passes', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  e.onStart = (c) => setTimeout(() => { c.health = 'unhealthy'; }, 20);
  await assert.rejects(up(e, project('name: w\nservices:\n  api:\n    image: busybox\n    healthcheck: {test: "false"}\n'), opts({ wait: true }), recorder()), /container w-api-1 is unhealthy/);
});

test('a port already taken fails naming the service; down removes what was made', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  e.takenPorts.add('8080');
  const p = project(BASE);
  await assert.rejects(up(e, p, opts(), recorder()), /^Error: cannot start service "web" \(container demo-web-1\): .*port is already allocated/);
  await down(e, p, { volumes: true, removeOrphans: false }, recorder());
  assert.equal(e.containers.size, 0);
  assert.equal(e.networks.size, 0);
  assert.equal(e.volumes.size, 0);
});

test('a build that fails mid-project names the service; what started stays, down removes it and --rmi local the built images', async () => {
  const yaml = 'name: b\nservices:\n  base:\n    build: ./a\n  broken:\n    build: ./b\n    depends_on: [base]\n';
  const files = { 'a/Dockerfile': 'FROM busybox\n', 'b/Dockerfile': 'FROM busybox\nRUN exit 1\n' };
  const e = new FakeEngine();
  e.failBuild.add('b-broken');
  const p = project(yaml, files);
  await assert.rejects(up(e, p, opts(), recorder()), /^Error: failed to build service "broken": The command/);
  assert.ok(e.images.has('b-base'));
  await down(e, p, { volumes: false, removeOrphans: false, rmi: 'local' }, recorder());
  assert.ok(!e.images.has('b-base'));
  assert.equal(e.networks.size, 0);
});

test('orphans are warned about, and removed with --remove-orphans', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  await up(e, project('name: o\nservices:\n  a:\n    image: busybox\n  b:\n    image: busybox\n'), opts(), recorder());
  const out = recorder();
  await up(e, project('name: o\nservices:\n  a:\n    image: busybox\n'), opts(), out);
  assert.match(out.warnings[0], /Found orphan containers \(\[o-b-1\]\)/);
  await up(e, project('name: o\nservices:\n  a:\n    image: busybox\n'), opts({ removeOrphans: true }), recorder());
  assert.deepEqual([...e.containers.values()].map((c) => c.name), ['o-a-1']);
});

test('a missing image is pulled; a failing pull names the service', async () => {
  const e = new FakeEngine();
  await up(e, project('name: p\nservices:\n  a:\n    image: registry.example/app:1\n'), opts(), recorder());
  assert.deepEqual(e.calls.slice(0, 2), ['network create p_default', 'pull registry.example/app:1']);
  await assert.rejects(up(new FakeEngine(), project('name: p\nservices:\n  a:\n    image: missing/app\n'), opts(), recorder()), /service "a": cannot pull image missing\/app: pull access denied/);
});

test('a second network is connected before start (API 1.41 takes one network at create)', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  await up(e, project('name: n\nservices:\n  a:\n    image: busybox\n    networks:\n      front: {aliases: [www]}\n      back: {}\nnetworks:\n  front: {}\n  back: {internal: true}\n'), opts(), recorder());
  assert.deepEqual(e.calls, ['network create n_front', 'network create n_back', 'create n-a-1', 'connect n_back', 'start n-a-1']);
  assert.equal(e.networks.get('n_back')!.Internal, true);
});

test('depends_on restart: true restarts the dependent when its dependency is recreated', async () => {
  const yaml = (v: string) => `name: r\nservices:\n  db:\n    image: busybox\n    environment: {V: "${v}"}\n  app:\n    image: busybox\n    depends_on: {db: {condition: service_started, restart: true}}\n`;
  const e = new FakeEngine();
  e.addImage('busybox');
  await up(e, project(yaml('1')), opts(), recorder());
  e.calls.length = 0;
  await up(e, project(yaml('2')), opts(), recorder());
  assert.deepEqual(e.calls, ['stop r-db-1', 'remove r-db-1', 'create r-db-1', 'start r-db-1', 'restart r-app-1']);
});

test('a service disabled by its profile comes up when named, on the default network', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  const p = project('name: pr\nservices:\n  tool:\n    image: busybox\n    profiles: [debug]\n');
  await up(e, p, opts({ services: ['tool'] }), recorder());
  assert.deepEqual(e.calls, ['network create pr_default', 'create pr-tool-1', 'start pr-tool-1']);
});

test('independent services come up together: waiting for a dependency\'s health holds up only its dependents', async () => {
  const yaml = `name: p
services:
  db:
    image: busybox
    healthcheck: {test: ["CMD", "true"], interval: 1s}
  cache:
    image: busybox
  api:
    image: busybox
    depends_on: {db: {condition: service_healthy}, cache: {condition: service_started}}
  worker:
    image: busybox
    depends_on: [db]
  web:
    image: busybox
    depends_on: [api]
`;
  const e = new FakeEngine();
  e.addImage('busybox');
  // db turns healthy only once worker (which needs db started, not healthy) has started.
  e.onStart = (c) => { if (c.name === 'p-worker-1') setTimeout(() => { [...e.containers.values()].find((x) => x.name === 'p-db-1')!.health = 'healthy'; }, 10); };
  const result = await up(e, project(yaml), opts(), recorder());
  const starts = e.calls.filter((c) => c.startsWith('start'));
  assert.ok(starts.indexOf('start p-worker-1') < starts.indexOf('start p-api-1'), `worker did not wait for db's health: ${starts.join(', ')}`);
  assert.ok(starts.indexOf('start p-api-1') < starts.indexOf('start p-web-1'));
  assert.ok(starts.indexOf('start p-db-1') < starts.indexOf('start p-worker-1'));
  assert.deepEqual(result.containers.map((c) => c.service).sort(), ['api', 'cache', 'db', 'web', 'worker']);

  // A failure stops what has not begun, waits for what has, and is the error thrown.
  const bad = new FakeEngine();
  bad.addImage('busybox');
  bad.takenPorts.add('8080');
  const failing = yaml.replace('  cache:\n    image: busybox\n', '  cache:\n    image: busybox\n    ports: ["8080:80"]\n');
  bad.onStart = (c) => { if (c.name === 'p-db-1') setTimeout(() => { c.health = 'healthy'; }, 10); };
  await assert.rejects(up(bad, project(failing), opts(), recorder()), /cannot start service "cache" \(container p-cache-1\)/);
  // Created beforehand, as docker compose creates every service before it starts any; never started.
  assert.ok(!bad.calls.includes('start p-api-1') && !bad.calls.includes('start p-web-1'), `dependents of the failed service were started: ${bad.calls.join(', ')}`);
});
