// Wrongly typed and invalid request bodies sent to berthd and to Docker Engine 20.10 (the one CI starts
// on /var/run/docker.sock): berthd must refuse what Docker refuses, with Docker's message. Docker 20.10
// answers the refusals of its JSON decoder (and a few value checks) with 500; berthd answers 400, as
// Docker Engine 23 and later do, since they are the client's mistake. Where berthd is stricter than
// Docker on purpose (values Docker stores and the kernel or runc then refuses at start) the case says
// so. Afterwards nothing refused is stored, and `docker ps -a` / `docker system df` still work.
// Needs root, runc, the docker CLI, dist/ built, and Docker Engine (with CI=true a missing one fails).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { engineTestOptions, startEngine, type Engine } from '../containers/engine-fixture.js';
import { dockerEngine, DOCKER_SOCKET, type DockerEngine } from '../containers/docker-engine.js';
import { apiRequest, type ApiAnswer } from '../../helpers/api-request.js';
import { inCI } from '../../helpers/prereqs.js';

const opts = engineTestOptions();
const run = randomBytes(3).toString('hex');
/** berthd's busybox, loaded into Docker Engine under a tag of this run (the engine is shared). */
const DOCKER_IMAGE = `bvtest-${run}/busybox:latest`;
let e: Engine;
let docker: DockerEngine | undefined;
const dockerIds: Record<string, string> = {};
const berthIds: Record<string, string> = {};

before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  docker = await dockerEngine();
  if (!docker) return;
  assert.equal((await e.docker(['tag', 'busybox:latest', DOCKER_IMAGE])).code, 0);
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', DOCKER_IMAGE], { env: e.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load', '-q'], { env: docker!.env, stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    load.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker load into Docker Engine exited with ${code}`))));
  });
  // A created container (update) and a running one (exec) on each engine.
  for (const [name, args] of [['upd', ['create']], ['exe', ['run', '-d']]] as const) {
    const d = await docker.docker([...args, '--name', `bvtest-${run}-${name}`, DOCKER_IMAGE, 'sleep', '300']);
    assert.equal(d.code, 0, d.stderr);
    dockerIds[name] = d.stdout.trim();
    const b = await e.docker([...args, '--name', name, 'busybox', 'sleep', '300']);
    assert.equal(b.code, 0, b.stderr);
    berthIds[name] = b.stdout.trim();
  }
});

after(async () => {
  if (docker) {
    const ids = (await docker.docker(['ps', '-aq', '--filter', `name=bvtest-${run}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker.docker(['rm', '-f', ...ids]);
    await docker.docker(['rmi', DOCKER_IMAGE]);
  }
  await e?.dispose();
});

function requireDocker(t: { skip(msg: string): void }): boolean {
  if (docker) return true;
  if (inCI) assert.fail('Docker Engine does not answer on /var/run/docker.sock (CI starts dockerd for these tests)');
  t.skip('Docker Engine does not answer on /var/run/docker.sock');
  return false;
}

type Route = 'create' | 'update' | 'exec' | 'network' | 'volume' | 'connect' | 'disconnect';
/** A body; when berthd refuses what Docker accepts, why; when both refuse in other words, why. */
interface Case { route: Route; body: string; stricter?: string; ownMessage?: string }

const IMAGE = '"Image":"$IMAGE","Cmd":["true"]';
const create = (rest: string, stricter?: string): Case => ({ route: 'create', body: `{${IMAGE}${rest ? `,${rest}` : ''}}`, stricter });
const hc = (fields: string, stricter?: string): Case => create(`"HostConfig":{${fields}}`, stricter);

const CASES: Case[] = [
  // Types (Docker's JSON decoder).
  create('"Labels":{"a":5}'), create('"Memory":"lots"'), hc('"Memory":"lots"'), create('"Env":{"a":1}'), create('"Env":["A=1",5]'),
  create('"Tty":"yes"'), create('"User":5'), create('"Cmd":5'), create('"Cmd":[1]'), create('"Entrypoint":{"a":1}'),
  hc('"Privileged":"false"'), hc('"Privileged":0'), create('"hostconfig":{"privileged":"x"}'), hc('"Memory":1.5'), hc('"Memory":true'),
  hc('"Memory":[1]'), hc('"Memory":{}'), hc('"BlkioWeight":-5'), hc('"ConsoleSize":[-1,5]'), hc('"ConsoleSize":"x"'),
  hc('"PortBindings":{"80/tcp":{"HostPort":"80"}}'), hc('"PortBindings":{"80/tcp":[5]}'), hc('"PortBindings":{"80/tcp":[{"HostPort":80}]}'),
  hc('"RestartPolicy":"always"'), hc('"RestartPolicy":{"Name":5}'), hc('"Ulimits":[{"Name":"nofile","Soft":"a","Hard":1}]'),
  hc('"Mounts":[{"Type":"bind","Source":5,"Target":"/x"}]'), hc('"Mounts":[5]'), hc('"LogConfig":{"Type":5}'),
  hc('"LogConfig":{"Type":"json-file","Config":{"max-size":5}}'), hc('"Dns":"1.1.1.1"'), hc('"Sysctls":{"a":1}'), hc('"Tmpfs":{"/x":5}'),
  hc('"PidsLimit":"x"'), hc('"Binds":[5]'), hc('"NetworkMode":5'), hc('"Devices":[{"PathOnHost":5}]'), hc('"Init":"yes"'),
  create('"HostConfig":5'), create('"ExposedPorts":{"80/tcp":5}'), create('"ExposedPorts":["80/tcp"]'), create('"Volumes":["/x"]'),
  create('"Healthcheck":{"Interval":"x"}'), create('"Healthcheck":{"Test":"CMD true"}'), create('"StopTimeout":"x"'), create('"Hostname":5'),
  create('"Domainname":[]'), create('"OnBuild":5'), create('"ArgsEscaped":"x"'), create('"NetworkDisabled":1'), create('"Tty":1,"User":true'),
  create('"NetworkingConfig":{"EndpointsConfig":{"bridge":{"Aliases":"x"}}}'), create('"NetworkingConfig":{"EndpointsConfig":{"bridge":5}}'),
  create('"NetworkingConfig":5'), { route: 'create', body: '{"Image":5}' }, { route: 'create', body: '{}' }, { route: 'create', body: '{"HostConfig":{}}' }, { route: 'create', body: '[1]' }, { route: 'create', body: '5' },
  // Values (Docker's checks before it looks at the image).
  create('"StopSignal":"SIGBOGUS"'), create('"WorkingDir":"rel/dir"'), create('"Env":["=x"]'), create('"Env":[null]'),
  create('"Healthcheck":{"Interval":5}'), create('"Healthcheck":{"Retries":-1}'), create('"Healthcheck":{"Timeout":-1}'), create('"Healthcheck":{"StartPeriod":5}'),
  create('"Memory":1000'), hc('"CapAdd":["BOGUS"]'), hc('"CapDrop":["BOGUS"]'), hc('"Privileged":true,"CapAdd":["BOGUS"]'), hc('"ShmSize":-1'),
  hc('"Memory":1000'), hc('"Memory":-5'), hc('"MemoryReservation":1000'), hc('"MemorySwap":20000000'), hc('"Memory":10000000,"MemorySwap":5000000'),
  hc('"MemorySwappiness":500'), hc('"NanoCpus":-5'), hc('"NanoCpus":100000000000'), hc('"NanoCpus":1000,"CpuQuota":2000'), hc('"CpuPeriod":-5'),
  hc('"CpuQuota":500'), hc('"OomScoreAdj":5000'), hc('"CgroupnsMode":"bogus"'), hc('"Isolation":"hyperv"'),
  { ...hc('"SecurityOpt":["bogus"]'), ownMessage: 'security/security-opt.ts lists the options Berth knows' },
  hc('"RestartPolicy":{"Name":"sometimes"}'), hc('"RestartPolicy":{"Name":"always","MaximumRetryCount":3}'),
  hc('"RestartPolicy":{"Name":"no","MaximumRetryCount":2}'), hc('"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":-3}'),
  hc('"AutoRemove":true,"RestartPolicy":{"Name":"always"}'), hc('"PortBindings":{"abc":[{"HostPort":"80"}]}'),
  hc('"PortBindings":{"80/tcp":[{"HostPort":"x"}]}'), hc('"PortBindings":{"80/tcp":[{"HostPort":"70000"}]}'),
  hc('"PortBindings":{"99999/tcp":[{"HostPort":"80"}]}'), hc('"PortBindings":{"80-81/tcp":[{"HostPort":"8080-8081"}]}'),
  hc('"ExtraHosts":["nohost"]'), hc('"ExtraHosts":["h:notanip"]'), hc('"Tmpfs":{"rel":""}'), hc('"Binds":["/tmp:rel"]'),
  hc('"Mounts":[{"Type":"bogus","Source":"/tmp","Target":"/x"}]'), hc('"Mounts":[{"Type":"bind","Source":"rel","Target":"/x"}]'),
  hc('"Mounts":[{"Type":"volume","Target":"rel"}]'), hc('"Mounts":[{"Type":"bind","Source":"/nonexistent-bvtest","Target":"/x"}]'),
  hc('"Mounts":[{"Type":"bind","Target":"/x"}]'), hc('"Mounts":[{"Type":"volume","Source":"/abs","Target":"/x"}]'),
  // Accepted by both.
  create('"Cmd":"echo hi"'), create('"Shell":"x"'), create('"Tty":null,"Memory":null'), create('"Entrypoint":[]'), create('"Env":["A"]'),
  create('"StopSignal":"TERM"'), create('"StopSignal":"15"'), create('"WorkingDir":"/a/../b"'), create('"Privileged":false'),
  hc('"CapAdd":"NET_ADMIN"'), hc('"CapAdd":["ALL","net_admin","CAP_SYS_ADMIN"]'), hc('"ConsoleSize":[1,2,3]'), hc('"Memory":10000000,"MemorySwap":-1'),
  // Stricter than Docker on purpose.
  hc('"CpuShares":-5', 'the OCI spec has no negative CPU shares: runc refuses it at start'),
  hc('"CpuQuota":-5', 'the kernel takes -1 or at least 1000 for cfs_quota_us'),
  hc('"Memory":10000000,"MemorySwap":-2', 'runc takes -1 (unlimited) or a limit; other negative swap fails at start'),
  hc('"Ulimits":[{"Name":"bogus","Soft":1,"Hard":1}]', 'Docker fails this one at start'),
  create('"StopSignal":"999"', 'not a signal: stop would fail'),
  create('"Healthcheck":{"Test":["BOGUS"]}', 'the health check could never run'),
  hc('"Mounts":[{"Type":"tmpfs","Target":"/x","TmpfsOptions":{"SizeBytes":-5}}]', 'not a size'),
  // Update (a created container).
  { route: 'update', body: '{"Memory":"x"}' }, { route: 'update', body: '{"Memory":1000}' }, { route: 'update', body: '{"RestartPolicy":{"Name":"bogus"}}' },
  { route: 'update', body: '{"CpuShares":"x"}' }, { route: 'update', body: '{"RestartPolicy":5}' }, { route: 'update', body: '{"NanoCpus":-1}' },
  { route: 'update', body: '[1]' }, { route: 'update', body: '{"BlkioWeight":-1}' }, { route: 'update', body: '{"Memory":"x","RestartPolicy":{"Name":"bogus"}}' },
  { route: 'update', body: '{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2}}' }, { route: 'update', body: '{"Memory":20000000,"MemorySwap":40000000}' },
  // Exec (a running container).
  ...['{"Cmd":5}', '{"Cmd":"echo"}', '{"Cmd":["echo"],"Tty":"x"}', '{"Cmd":["echo"],"Env":{"a":1}}', '{"Cmd":["echo"],"User":5}', '{}', '{"Cmd":[]}',
    '[1]', '{"Cmd":["echo"],"AttachStdin":1}', '{"Cmd":["echo"],"DetachKeys":5}', '{"Cmd":["echo"],"Privileged":"true"}'].map((body): Case => ({ route: 'exec', body })),
  // Networks and volumes.
  ...['{"Name":5}', '{"Name":"bvnet","Labels":{"a":1}}', '{"Name":"bvnet","Internal":"x"}', '{"Name":"bvnet","IPAM":{"Config":{"Subnet":"x"}}}',
    '{"Name":"bvnet","IPAM":{"Config":[{"Subnet":5}]}}', '{"Name":"bvnet","IPAM":5}', '{"Name":"bvnet","Options":{"a":1}}', '[1]',
    '{"Name":"bvnet","CheckDuplicate":"x"}', '{"Name":"bvnet","Driver":5}', '{"Name":"bvnet","EnableIPv6":1}'].map((body): Case => ({ route: 'network', body })),
  ...['{"Name":5}', '{"Name":"bvvol","Labels":{"a":1}}', '{"Name":"bvvol","DriverOpts":[]}', '{"Name":"bv/vol"}', '[1]', '{"Name":"bvvol","Driver":5}'].map((body): Case => ({ route: 'volume', body })),
  ...['{"Container":5}', '[1]', '{"Container":"x","EndpointConfig":5}'].map((body): Case => ({ route: 'connect', body })),
  ...['{"Container":5}', '[1]', '{"Container":"x","Force":"x"}'].map((body): Case => ({ route: 'disconnect', body })),
];

function path(route: Route, ids: Record<string, string>): string {
  switch (route) {
    case 'create': return '/v1.41/containers/create';
    case 'update': return `/v1.41/containers/${ids.upd}/update`;
    case 'exec': return `/v1.41/containers/${ids.exe}/exec`;
    case 'network': return '/v1.41/networks/create';
    case 'volume': return '/v1.41/volumes/create';
    case 'connect': case 'disconnect': return `/v1.41/networks/bridge/${route}`;
  }
}

/** Removes what an accepted body made on one engine (containers, networks, volumes of the cases). */
async function undo(socket: string, c: Case, a: ApiAnswer): Promise<void> {
  if (a.status >= 300) return;
  if (c.route === 'create') await apiRequest(socket, 'DELETE', `/v1.41/containers/${(JSON.parse(a.body) as { Id: string }).Id}?force=1`);
  if (c.route === 'network') await apiRequest(socket, 'DELETE', '/v1.41/networks/bvnet');
  if (c.route === 'volume') await apiRequest(socket, 'DELETE', '/v1.41/volumes/bvvol');
}

test('bad bodies: berthd refuses what Docker Engine refuses, with its message', opts, async (t) => {
  if (!requireDocker(t)) return;
  const mismatches: string[] = [];
  let refusedByDocker = 0;
  for (const c of CASES) {
    const d = await apiRequest(DOCKER_SOCKET, 'POST', path(c.route, dockerIds), c.body.replace('$IMAGE', DOCKER_IMAGE));
    await undo(DOCKER_SOCKET, c, d);
    const b = await apiRequest(e.socket, 'POST', path(c.route, berthIds), c.body.replace('$IMAGE', 'busybox'));
    await undo(e.socket, c, b);
    const what = `${c.route} ${c.body}\n    docker ${d.status} ${d.message ?? ''}\n    berthd ${b.status} ${b.message ?? ''}`;
    if (c.stricter) {
      if (d.status >= 300 || b.status !== 400) mismatches.push(`${what}\n    expected: Docker accepts, berthd 400 (${c.stricter})`);
      continue;
    }
    if (d.status < 300) {
      if (b.status >= 300) mismatches.push(`${what}\n    expected: accepted`);
      continue;
    }
    refusedByDocker++;
    // Docker 20.10 classes these client mistakes as system errors (500); newer Docker answers 400.
    const expected = d.status === 500 ? 400 : d.status;
    if (b.status !== expected || (!c.ownMessage && b.message !== d.message)) mismatches.push(`${what}\n    expected: ${expected}${c.ownMessage ? '' : " with Docker's message"}`);
  }
  assert.deepEqual(mismatches, [], `\n${mismatches.join('\n')}`);
  t.diagnostic(`${CASES.length} cases, ${refusedByDocker} refused by Docker`);
  assert.ok(refusedByDocker > 140, `only ${refusedByDocker} bodies refused by Docker: is its image there?`);
});

test('nothing refused is stored: the lists still work for every client', opts, async () => {
  const list = await apiRequest(e.socket, 'GET', '/v1.41/containers/json?all=1');
  assert.equal(list.status, 200);
  const names = (JSON.parse(list.body) as { Names: string[] }[]).map((c) => c.Names[0]).sort();
  assert.deepEqual(names, ['/exe', '/upd']);
  for (const args of [['ps', '-a'], ['system', 'df'], ['inspect', 'upd']]) {
    const r = await e.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  }
  // The update cases that were accepted are in the record.
  const upd = JSON.parse((await e.docker(['inspect', 'upd'])).stdout)[0] as { HostConfig: { RestartPolicy: { Name: string; MaximumRetryCount: number }; Memory: number; MemorySwap: number } };
  assert.deepEqual(upd.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.equal(upd.HostConfig.Memory, 20_000_000);
});

test('"Privileged": "false" (a string) is refused, never a privileged container', opts, async () => {
  for (const value of ['"false"', '"0"', '0', '"true"']) {
    const a = await apiRequest(e.socket, 'POST', '/v1.41/containers/create', `{"Image":"busybox","Cmd":["true"],"HostConfig":{"Privileged":${value}}}`);
    assert.equal(a.status, 400, a.body);
    assert.match(a.message ?? '', /Go struct field HostConfig\.HostConfig\.Privileged of type bool/);
  }
});

test('docker update through the CLI: limits of a running container and its restart policy', opts, async () => {
  const r = await e.docker(['update', '--memory', '64m', '--memory-swap', '128m', '--restart', 'unless-stopped', 'exe']);
  assert.equal(r.code, 0, r.stderr);
  const i = JSON.parse((await e.docker(['inspect', 'exe'])).stdout)[0] as { HostConfig: { Memory: number; RestartPolicy: { Name: string } } };
  assert.equal(i.HostConfig.Memory, 64 * 1024 * 1024);
  assert.equal(i.HostConfig.RestartPolicy.Name, 'unless-stopped');
  // The running container's cgroup has the new limit (cgroup v1, as on the hosts Berth runs on).
  const cgroup = `/sys/fs/cgroup/memory/${e.prefix}/${berthIds.exe}/memory.limit_in_bytes`;
  assert.equal(readFileSync(cgroup, 'utf8').trim(), String(64 * 1024 * 1024));
  const bad = await e.docker(['update', '--memory', '1k', 'exe']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Minimum memory limit allowed is 6MB/);
});

test('a 500 carries no host path; the daemon log has the full error', opts, async () => {
  const id = (await e.docker(['create', '--name', 'broken', 'busybox', 'true'])).stdout.trim();
  // Its writable layer gone behind the daemon's back: reading a file needs the overlay, which fails.
  rmSync(join(e.root, 'containers', id, 'upper'), { recursive: true, force: true });
  const a = await apiRequest(e.socket, 'GET', `/v1.41/containers/${id}/archive?path=/etc/passwd`);
  assert.equal(a.status, 500, a.body);
  assert.ok(a.message, a.body);
  assert.doesNotMatch(a.body, new RegExp(e.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.doesNotMatch(a.body, /\/tmp\//);
  assert.match(e.log(), new RegExp(`berthd: internal error: .*${e.root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/containers/${id}`));
  assert.equal((await e.docker(['rm', 'broken'])).code, 0);
});

test('exec start: a wrongly typed or malformed body is a 400, hijacked or not', opts, async () => {
  const created = await apiRequest(e.socket, 'POST', `/v1.41/containers/${berthIds.exe}/exec`, '{"Cmd":["true"]}');
  assert.equal(created.status, 201, created.body);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  const typed = await apiRequest(e.socket, 'POST', `/v1.41/exec/${id}/start`, '{"Detach":"yes"}');
  assert.equal(typed.status, 400, typed.body);
  assert.equal(typed.message, 'json: cannot unmarshal string into Go struct field ExecStartCheck.Detach of type bool');
  const upgraded = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const body = '{"Detach":';
    const req = request({ socketPath: e.socket, method: 'POST', path: `/v1.41/exec/${id}/start`, headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'application/json', 'Content-Length': body.length } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('upgrade', () => reject(new Error('hijacked despite a malformed body')));
    req.on('error', reject);
    req.end(body);
  });
  assert.equal(upgraded.status, 400, upgraded.body);
  assert.match(upgraded.body, /malformed JSON in request body/);
  // The exec was not started by either: it still can be.
  const started = await apiRequest(e.socket, 'POST', `/v1.41/exec/${id}/start`, '{"Detach":true}');
  assert.equal(started.status, 200, started.body);
});

test('accepted bodies are read as Docker reads them: strings for lists, case-insensitive keys, top-level host fields, nulls', opts, async (t) => {
  if (!requireDocker(t)) return;
  const bodies = [
    '{"Image":"$IMAGE","Cmd":"echo hi","Entrypoint":"","Env":["A=1"],"Labels":{"a":null,"b":"c"}}',
    '{"image":"$IMAGE","cmd":["true"],"hostconfig":{"privileged":true,"memory":10000000}}',
    '{"Image":"$IMAGE","Cmd":["true"],"Privileged":true,"Memory":10000000,"CpuShares":512,"Cpuset":"0"}',
    '{"Image":"$IMAGE","Cmd":["true"],"Memory":20000000,"Privileged":true,"HostConfig":{"CpuShares":256}}',
    '{"Image":"$IMAGE","Cmd":["true"],"Tty":null,"HostConfig":{"CapAdd":"NET_ADMIN","Memory":null,"ConsoleSize":[1,2,3]}}',
  ];
  const pick = (i: { Config: Record<string, unknown>; HostConfig: Record<string, unknown> }) => ({
    Cmd: i.Config.Cmd, Entrypoint: i.Config.Entrypoint ?? null, Env: ((i.Config.Env as string[] | null) ?? []).filter((v) => !v.startsWith('PATH=')),
    Labels: i.Config.Labels, Tty: i.Config.Tty ?? false, Privileged: i.HostConfig.Privileged ?? false, Memory: i.HostConfig.Memory ?? 0,
    CpuShares: i.HostConfig.CpuShares ?? 0, CpusetCpus: i.HostConfig.CpusetCpus ?? '', CapAdd: i.HostConfig.CapAdd ?? null,
  });
  for (const body of bodies) {
    const views = [];
    for (const [socket, image] of [[DOCKER_SOCKET, DOCKER_IMAGE], [e.socket, 'busybox']] as const) {
      const name = `bvtest-${run}-accepted`;
      const a = await apiRequest(socket, 'POST', `/v1.41/containers/create?name=${name}`, body.replace('$IMAGE', image));
      assert.equal(a.status, 201, `${socket}: ${body}: ${a.body}`);
      const inspected = await apiRequest(socket, 'GET', `/v1.41/containers/${name}/json`);
      views.push(pick(JSON.parse(inspected.body)));
      await apiRequest(socket, 'DELETE', `/v1.41/containers/${name}?force=1`);
    }
    assert.deepEqual(views[1], views[0], body);
  }
});

test('--entrypoint "" (an Entrypoint of [""]) runs the command alone, as dockerd does', opts, async () => {
  const r = await e.docker(['run', '--rm', '--entrypoint', '', 'busybox', 'echo', 'hi']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hi\n');
});
