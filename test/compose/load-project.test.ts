import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { toComposeYaml } from '../../compose/model/to-compose-yaml';
import { load } from './model-fixture';

function ok(r: ReturnType<typeof load>) {
  if (!r.ok) assert.fail(r.problem.message);
  return r.project;
}
function problem(r: ReturnType<typeof load>): string {
  if (r.ok) assert.fail('expected a problem');
  return r.problem.message;
}

test('compose.yaml is found, the project is named after the folder, the default network is added', () => {
  const r = load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    ports: ["8080:80", "127.0.0.1:9000-9001:90-91/udp"]\n' });
  const p = ok(r);
  assert.equal(p.name, path.basename(r.dir).toLowerCase().replace(/[^a-z0-9_-]/g, ''));
  assert.deepEqual(Object.keys(p.networks), ['default']);
  assert.equal(p.networks.default.name, `${p.name}_default`);
  assert.deepEqual(p.services.web.ports, [
    { target: 80, published: '8080', hostIp: undefined, protocol: 'tcp' },
    { target: 90, published: '9000', hostIp: '127.0.0.1', protocol: 'udp' },
    { target: 91, published: '9001', hostIp: '127.0.0.1', protocol: 'udp' },
  ]);
});

test('interpolation from the environment over .env, with defaults; warnings for unset variables', () => {
  const r = load(
    { 'compose.yaml': 'name: demo\nservices:\n  web:\n    image: "busybox:${TAG:-latest}"\n    environment:\n      A: ${FROM_DOTENV}\n      B: ${FROM_ENV}\n      C: "${MISSING}"\n      D: $$literal\n', '.env': 'FROM_DOTENV=dot\nFROM_ENV=dot-loses\n' },
    { env: { FROM_ENV: 'env' } },
  );
  const p = ok(r);
  assert.equal(p.services.web.image, 'busybox:latest');
  assert.deepEqual(p.services.web.environment, { A: 'dot', B: 'env', C: '', D: '$literal' });
  assert.deepEqual(r.warnings, ['The "MISSING" variable is not set. Defaulting to a blank string.']);
});

test('a required variable without a value names file:line and the key', () => {
  const msg = problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    user: ${WHO:?give a user}\n' }));
  assert.equal(msg, 'compose.yaml:4: services.web.user: required variable WHO is missing a value: give a user');
});

test('several -f files merge in order', () => {
  const p = ok(load(
    {
      'a.yaml': 'services:\n  web:\n    image: busybox\n    command: ["a"]\n    environment: [X=1, Y=1]\n    ports: ["80"]\n    volumes: ["data:/data", "./src:/src"]\nvolumes:\n  data: {}\n',
      'b.yaml': 'services:\n  web:\n    command: b c\n    environment:\n      Y: 2\n    ports: ["81"]\n    volumes: ["./other:/src:ro"]\n',
    },
    { files: ['a.yaml', 'b.yaml'] },
  ));
  const web = p.services.web;
  assert.deepEqual(web.command, ['b', 'c']);
  assert.deepEqual(web.environment, { X: '1', Y: '2' });
  assert.deepEqual(web.ports.map((x) => x.target), [80, 81]);
  assert.equal(web.volumes.length, 2);
  const src = web.volumes.find((v) => v.target === '/src');
  assert.ok(src && src.type === 'bind' && src.readOnly && src.source.endsWith('/other'));
});

test('extends from the same file and from another file, relative paths from the file that wrote them', () => {
  const p = ok(load({
    'compose.yaml': 'services:\n  base:\n    image: busybox\n    environment: {A: "1"}\n  web:\n    extends: base\n    environment: {B: "2"}\n  other:\n    extends:\n      file: sub/common.yaml\n      service: tmpl\n',
    'sub/common.yaml': 'services:\n  tmpl:\n    build: ./ctx\n    labels: {x: y}\n',
  }));
  assert.deepEqual(p.services.web.environment, { A: '1', B: '2' });
  assert.equal(p.services.web.image, 'busybox');
  assert.ok(p.services.other.build?.context.endsWith(path.join('sub', 'ctx')));
  assert.deepEqual(p.services.other.labels, { x: 'y' });
});

test('include brings in another project\'s services; a clash is an error at the key', () => {
  const p = ok(load({
    'compose.yaml': 'include:\n  - db/compose.yaml\nservices:\n  web:\n    image: busybox\n    depends_on: [db]\n',
    'db/compose.yaml': 'services:\n  db:\n    image: busybox\n    volumes: [dbdata:/var/lib/db]\nvolumes:\n  dbdata: {}\n',
  }));
  assert.deepEqual(Object.keys(p.services).sort(), ['db', 'web']);
  assert.ok('dbdata' in p.volumes);
  const msg = problem(load({
    'compose.yaml': 'include:\n  - db.yaml\nservices:\n  db:\n    image: busybox\n',
    'db.yaml': 'services:\n  db:\n    image: busybox\n',
  }));
  assert.match(msg, /^compose\.yaml:4: services\.db: services\.db conflicts with the service of the same name imported by include\[0\]/);
});

test('profiles: services with an inactive profile are disabled; --profile enables them', () => {
  const files = { 'compose.yaml': 'services:\n  web:\n    image: busybox\n  debug:\n    image: busybox\n    profiles: [dev]\n' };
  assert.deepEqual(Object.keys(ok(load(files)).services), ['web']);
  assert.deepEqual(Object.keys(ok(load(files, { profiles: ['dev'] })).services).sort(), ['debug', 'web']);
  assert.deepEqual(Object.keys(ok(load(files, { env: { COMPOSE_PROFILES: 'dev' } })).services).sort(), ['debug', 'web']);
});

test('depends_on: a cycle and an undefined service are errors at file:line', () => {
  assert.equal(
    problem(load({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    depends_on: [b]\n  b:\n    image: busybox\n    depends_on:\n      a:\n        condition: service_healthy\n' })),
    'compose.yaml:4: services.a.depends_on: dependency cycle: a -> b -> a',
  );
  assert.equal(
    problem(load({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    depends_on: [nope]\n' })),
    'compose.yaml:4: services.a.depends_on.nope: service "a" depends on service "nope" is not defined',
  );
});

test('YAML syntax errors, schema errors and unsupported keys name file:line and the key', () => {
  assert.match(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n   bad: [\n' })), /^compose\.yaml:\d+: YAML syntax error: /);
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    portz: ["80"]\n' })), 'compose.yaml:4: services.web.portz: unknown key "portz" in services.web');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    restart: 3\n' })), 'compose.yaml:4: services.web.restart: must be string');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    secrets: [x]\nsecrets:\n  x:\n    file: ./x\n' })), 'compose.yaml:5: secrets: top-level "secrets" is not supported by berth-compose');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    restart: sometimes\n' })), 'compose.yaml:4: services.web.restart: "sometimes" is not a restart policy (no, always, on-failure[:N], unless-stopped)');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    cgroup_parent: x\n' })), 'compose.yaml:4: services.web.cgroup_parent: "cgroup_parent" is not supported by berth-compose');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    deploy:\n      resources:\n        reservations:\n          memory: 1g\n' })), 'compose.yaml:6: services.web.deploy.resources.reservations: "reservations" is not supported by berth-compose');
  assert.equal(problem(load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n    ports: ["80:x"]\n' })), 'compose.yaml:4: services.web.ports[0]: "80:x" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]');
});

test('env_file, healthcheck, deploy limits, scale, networks with aliases, external and internal networks', () => {
  const p = ok(load({
    'compose.yaml': [
      'services:',
      '  web:',
      '    image: busybox',
      '    env_file: [web.env]',
      '    environment: {B: from-environment}',
      '    healthcheck: {test: "wget -q -O- localhost", interval: 1s, timeout: 500ms, retries: 3, start_period: 1m30s}',
      '    deploy: {replicas: 2, resources: {limits: {cpus: "0.5", memory: 64m, pids: 50}}}',
      '    networks:',
      '      front: {aliases: [www]}',
      '      back:',
      'networks:',
      '  front: {}',
      '  back: {internal: true}',
      '  outside: {external: true, name: shared-net}',
      '',
    ].join('\n'),
    'web.env': 'A=from-file\nB=from-file\n',
  }));
  const web = p.services.web;
  assert.deepEqual(web.environment, { A: 'from-file', B: 'from-environment' });
  assert.deepEqual(web.healthcheck, { test: ['CMD-SHELL', 'wget -q -O- localhost'], intervalNs: 1e9, timeoutNs: 5e8, retries: 3, startPeriodNs: 90e9, startIntervalNs: undefined });
  assert.deepEqual(web.limits, { nanoCpus: 5e8, memoryBytes: 64 * 1024 * 1024, pids: 50 });
  assert.equal(web.replicas, 2);
  assert.deepEqual(web.networks, { front: { aliases: ['www'] }, back: { aliases: [] } });
  assert.equal(p.networks.back.internal, true);
  assert.deepEqual(p.networks.outside, { name: 'shared-net', external: true, internal: false, driver: undefined, labels: {}, subnet: undefined });
  assert.ok(!('default' in p.networks));
});

test('extends does not inherit depends_on; an extends cycle is an error', () => {
  const p = ok(load({ 'compose.yaml': 'services:\n  db:\n    image: busybox\n  base:\n    image: busybox\n    depends_on: [db]\n  web:\n    extends: base\n' }));
  assert.deepEqual(p.services.web.dependsOn, {});
  assert.match(problem(load({ 'compose.yaml': 'services:\n  a:\n    image: busybox\n    extends: b\n  b:\n    extends: a\n' })), /^compose\.yaml:\d+: services\.\w\.extends: extends cycle: /);
});

test('an editor\'s unsaved text is read instead of the file', () => {
  const r = load({ 'compose.yaml': 'services:\n  web:\n    image: busybox\n' }, { readText: (f) => (f.endsWith('compose.yaml') ? 'services:\n  api:\n    image: busybox\n' : undefined) });
  assert.deepEqual(Object.keys(ok(r).services), ['api']);
});

test('config output loads back into the same model', () => {
  const files = {
    'compose.yaml': [
      'name: rt',
      'services:',
      '  web:',
      '    build: {context: ./app, args: {A: "1"}, target: prod}',
      '    command: ["sh", "-c", "echo $$HOME"]',
      '    entrypoint: /bin/sh',
      '    environment: {X: "1"}',
      '    env_file: [app.env]',
      '    ports: ["127.0.0.1:8080:80/udp", "9000"]',
      '    expose: ["3000"]',
      '    volumes: ["data:/data:ro", "./src:/src", {type: tmpfs, target: /t, tmpfs: {size: 1024}}]',
      '    tmpfs: [/run]',
      '    healthcheck: {test: ["CMD", "true"], interval: 2s, timeout: 1s, retries: 5, start_period: 3s}',
      '    deploy: {replicas: 2, resources: {limits: {cpus: "1.5", memory: 32m, pids: 10}}}',
      '    restart: on-failure:3',
      '    init: true',
      '    user: "1000"',
      '    working_dir: /w',
      '    extra_hosts: ["h:1.2.3.4"]',
      '    labels: {l: v}',
      '    cap_add: [NET_ADMIN]',
      '    stop_grace_period: 1m',
      '    networks: {front: {aliases: [www]}}',
      '    depends_on: {db: {condition: service_healthy, restart: true}}',
      '  db:',
      '    image: busybox',
      '    profiles: [x]',
      'networks:',
      '  front: {internal: true, labels: {a: b}}',
      'volumes:',
      '  data: {external: true, name: shared}',
      '',
    ].join('\n'),
    'app.env': 'FROM_FILE=yes\n',
    'app/Dockerfile': 'FROM busybox\n',
  };
  const first = load(files, { profiles: ['x'] });
  const p = ok(first);
  const again = load({ 'compose.yaml': toComposeYaml(p) }, { profiles: ['x'] });
  const q = ok(again);
  assert.deepEqual(q.services, p.services);
  assert.deepEqual(q.networks, p.networks);
  assert.deepEqual(q.volumes, p.volumes);
});

test('relative paths in every -f file are relative to the project directory', () => {
  const p = ok(load(
    { 'compose.yaml': 'services:\n  web:\n    image: busybox\n', 'overrides/dev.yaml': 'services:\n  web:\n    volumes: ["./src:/src"]\n' },
    { files: ['compose.yaml', 'overrides/dev.yaml'] },
  ));
  const v = p.services.web.volumes[0];
  assert.ok(v.type === 'bind' && v.source === path.join(p.workingDir, 'src'), JSON.stringify(v));
});
