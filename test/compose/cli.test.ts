import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../compose/cli/main';
import { FakeEngine } from './fake-engine';
import { projectDir } from './model-fixture';

async function run(argv: string[], cwd: string, engine = new FakeEngine()) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => { out += c.toString(); });
  stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const code = await main(argv, { cwd, env: {}, stdout, stderr, stdoutIsTty: false, stdinIsTty: false, engine: async () => engine });
  return { code, out, err };
}

test('config prints the resolved model as YAML', async () => {
  const dir = projectDir({ 'compose.yaml': 'name: c\nservices:\n  web:\n    image: busybox:${TAG:-1}\n    ports: ["80"]\n', '.env': 'TAG=2\n' });
  const r = await run(['config'], dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^name: c\nservices:\n  web:\n    image: busybox:2\n/);
  assert.match(r.out, /networks:\n  default:\n    name: c_default\n/);
  assert.equal((await run(['config', '--services'], dir)).out, 'web\n');
});

test('errors: one line naming file:line and key, exit status 1', async () => {
  const dir = projectDir({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    depends_on: [web]\n' });
  const r = await run(['up', '-d'], dir);
  assert.equal(r.code, 1);
  assert.equal(r.err, 'compose.yaml:4: services.web.depends_on: dependency cycle: web -> web\n');
  const u = await run(['up', '--bogus'], dir);
  assert.equal(u.code, 1);
  assert.match(u.err, /unknown flag: --bogus/);
  const none = await run(['ps'], projectDir({}));
  assert.equal(none.code, 1);
  assert.match(none.err, /no configuration file provided/);
});

test('up -d, ps --format json, logs with prefixes, exec, down', async () => {
  const dir = projectDir({ 'compose.yaml': 'name: z\nservices:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n' });
  const e = new FakeEngine();
  e.addImage('busybox');
  const upR = await run(['up', '-d'], dir, e);
  assert.equal(upR.code, 0, upR.err);
  assert.match(upR.err, / Container z-web-1 {2}Started\n/);
  const ps = await run(['ps', '--format', 'json'], dir, e);
  const rows = ps.out.trim().split('\n').map((l) => JSON.parse(l) as { Name: string; Service: string; State: string; Project: string });
  assert.deepEqual(rows.map((r) => [r.Name, r.Service, r.State, r.Project]), [['z-web-1', 'web', 'running', 'z'], ['z-worker-1', 'worker', 'running', 'z']]);
  const logs = await run(['logs'], dir, e);
  assert.equal(logs.out.split('\n').sort().join('\n'), '\nweb-1     | hello from z-web-1\nworker-1  | hello from z-worker-1');
  const ex = await run(['exec', '-T', 'web', 'echo', '-n', 'x'], dir, e);
  assert.equal(ex.code, 0);
  assert.equal(ex.out, 'echo -n x\n');
  assert.equal((await run(['down'], dir, e)).code, 0);
  assert.equal(e.containers.size, 0);
});

test('-p NAME down, ps and logs work from the labels alone when there is no file', async () => {
  const e = new FakeEngine();
  e.addImage('busybox');
  const dir = projectDir({ 'compose.yaml': 'name: lbl\nservices:\n  web:\n    image: busybox\n' });
  assert.equal((await run(['up', '-d'], dir, e)).code, 0);
  const elsewhere = projectDir({});
  const ps = await run(['-p', 'lbl', 'ps', '--services'], elsewhere, e);
  assert.equal(ps.out, 'web\n', ps.err);
  const down = await run(['-p', 'lbl', 'down'], elsewhere, e);
  assert.equal(down.code, 0, down.err);
  assert.equal(e.containers.size, 0);
  assert.equal(e.networks.size, 0);
  assert.equal((await run(['-p', 'lbl', 'up', '-d'], elsewhere, e)).code, 1);
});

test('config --format json prints the same model as JSON', async () => {
  const dir = projectDir({ 'compose.yaml': 'name: j\nservices:\n  web:\n    image: busybox:1\n    environment: [A=$$x]\n' });
  const r = await run(['config', '--format', 'json'], dir);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { name: string; services: { web: { image: string } }; networks: { default: { name: string } } };
  assert.equal(doc.name, 'j');
  assert.equal(doc.services.web.image, 'busybox:1');
  assert.equal(doc.networks.default.name, 'j_default');
  assert.match(r.out, /^\{\n {4}"name": "j",/);
  assert.match((await run(['config', '--format', 'toml'], dir)).err, /--format "toml" is not supported by berth-compose config \(yaml or json\)/);
});

test('exec -d starts the command in the background; run -d prints the one-off container and returns', async () => {
  const dir = projectDir({ 'compose.yaml': 'name: bg\nservices:\n  web:\n    image: busybox\n' });
  const e = new FakeEngine();
  e.addImage('busybox');
  assert.equal((await run(['up', '-d'], dir, e)).code, 0);
  const ex = await run(['exec', '-d', 'web', 'sleep', '5'], dir, e);
  assert.equal(ex.code, 0, ex.err);
  assert.equal(ex.out, '');
  assert.ok(e.calls.some((c) => /^exec -d [0-9a-f]+ sleep 5$/.test(c)), e.calls.join('\n'));
  const r = await run(['run', '-d', 'web', 'sleep', '5'], dir, e);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^bg-web-run-[0-9a-f]{12}\n$/);
  const oneoff = [...e.containers.values()].find((c) => c.name === r.out.trim());
  assert.ok(oneoff, 'the one-off container exists');
});

test('up --scale SERVICE=N sets the number of containers of a service', async () => {
  const dir = projectDir({ 'compose.yaml': 'name: sc\nservices:\n  web:\n    image: busybox\n  worker:\n    image: busybox\n' });
  const e = new FakeEngine();
  e.addImage('busybox');
  const r = await run(['up', '-d', '--scale', 'worker=3'], dir, e);
  assert.equal(r.code, 0, r.err);
  const names = () => [...e.containers.values()].map((c) => c.name).sort();
  assert.deepEqual(names(), ['sc-web-1', 'sc-worker-1', 'sc-worker-2', 'sc-worker-3']);
  assert.equal((await run(['up', '-d'], dir, e)).code, 0);
  assert.deepEqual(names(), ['sc-web-1', 'sc-worker-1']);
  assert.match((await run(['up', '-d', '--scale', 'db=2'], dir, e)).err, /no such service: db/);
  assert.match((await run(['up', '-d', '--scale', 'worker'], dir, e)).err, /use SERVICE=NUMBER/);
});
