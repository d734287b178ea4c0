// Containers on several networks (issue 14): POST /networks/{id}/connect and /disconnect for running,
// created and stopped containers, create with several EndpointsConfig, names and aliases resolvable
// between containers on a shared network, published ports moving with the default route, the error
// cases side by side with Docker Engine (status and message), a daemon restart, and Debian's docker-compose 1.29 against berthd with a service on two
// networks with an alias. Needs root, runc, the docker CLI, iptables, dist/ built; docker-compose for
// the compose test; a Docker Engine at /var/run/docker.sock for the comparison.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI, requireOrSkip } from '../../helpers/prereqs.js';
import type { RunResult } from '../../helpers/daemon.js';
import { DOCKER_SOCKET, dockerEngine, shareImage, type DockerEngine } from '../containers/docker-engine.js';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
const scratch = mkdtempSync(join(tmpdir(), 'berth-netconn-'));
/** Names on Docker Engine, which others share: unique to this run (used on berthd too, so messages compare). */
const tag = `bnc${process.pid}`;
const DOCKER_IMAGE = `berth-test-${tag}/busybox:latest`;
let e: Engine;
let dockerd: DockerEngine | undefined;

before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  dockerd = await dockerEngine();
  if (dockerd) await shareImage(e, dockerd, DOCKER_IMAGE);
});

after(async () => {
  if (dockerd) {
    const ids = (await dockerd.docker(['ps', '-aq', '--filter', `name=${tag}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerd.docker(['rm', '-f', ...ids]);
    const nets = (await dockerd.docker(['network', 'ls', '-q', '--filter', `name=${tag}`])).stdout.split('\n').filter(Boolean);
    if (nets.length) await dockerd.docker(['network', 'rm', ...nets]);
    await dockerd.docker(['rmi', DOCKER_IMAGE]);
  }
  await e?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

const HTTPD = (text: string) => `mkdir -p /www; echo ${text} > /www/index.html; exec httpd -f -p 80 -h /www`;

async function ok(args: string[]): Promise<string> {
  const r = await e.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The address /etc/hosts gives `name` inside `from`, or ''. Names are looked up there (berthd has no
 * DNS server); asking the resolver instead would wait for the host's DNS servers on a name that is
 * not there, which may not answer on a test machine.
 */
async function hostsEntry(run: (args: string[]) => Promise<RunResult>, from: string[], name: string): Promise<string> {
  const r = await run([...from, 'awk', '-v', `n=${name}`, '$1 !~ /^#/ { for (i = 2; i <= NF; i++) if ($i == n) { print $1; exit } }', '/etc/hosts']);
  return r.stdout.trim();
}

/** GET http://<target>/ from inside `from`: the page, or the reason it failed (name not found, no route). */
async function fetchFrom(from: string, target: string): Promise<string> {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(target) && !await hostsEntry((a) => e.docker(a), ['exec', from], target)) return 'unknown name';
  const r = await e.docker(['exec', from, 'timeout', '3', 'wget', '-q', '-O', '-', `http://${target}/`]);
  return r.code === 0 ? r.stdout.trim() : /bad address/.test(r.stderr) ? 'unknown name' : 'unreachable';
}

interface Endpoint { Links: string[] | null; IPAddress: string; Gateway: string; MacAddress: string; Aliases: string[] | null; NetworkID: string; EndpointID: string; IPPrefixLen: number; IPAMConfig: { IPv4Address?: string } | null }
async function networksOf(name: string): Promise<Record<string, Endpoint>> {
  return JSON.parse(await ok(['inspect', '--format', '{{json .NetworkSettings.Networks}}', name])) as Record<string, Endpoint>;
}

/** `ip -o -4 addr` inside the container: interface -> address/prefix. */
async function interfaces(name: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const l of (await ok(['exec', name, 'ip', '-o', '-4', 'addr'])).split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet (\S+)/.exec(l);
    if (m && m[1] !== 'lo') out[m[1]] = m[2];
  }
  return out;
}

/** A user-defined subnet no other network of this host uses (the daemon refuses clashes: try again). */
async function createWithSubnet(name: string): Promise<string> {
  for (let i = 0; ; i++) {
    const subnet = `10.${200 + randomInt(50)}.${randomInt(256)}.0/24`;
    const r = await e.docker(['network', 'create', '--subnet', subnet, name]);
    if (r.code === 0) return subnet;
    assert.ok(i < 20 && /overlaps/.test(r.stderr), r.stderr);
  }
}

test('a running container joins a second network: reaches a container there by name and by alias, is reached by its own alias; after disconnect it cannot', opts, async () => {
  await ok(['network', 'create', 'n1']);
  await ok(['network', 'create', 'n2']);
  try {
    await ok(['run', '-d', '--name', 'srv', '--network', 'n2', '--network-alias', 'api', 'busybox', 'sh', '-c', HTTPD('srv')]);
    await ok(['run', '-d', '--name', 'only1', '--network', 'n1', 'busybox', 'sh', '-c', HTTPD('only1')]);
    await ok(['run', '-d', '--name', 'cli', '--network', 'n1', 'busybox', 'sh', '-c', HTTPD('cli')]);
    const srvIp = (await networksOf('srv')).n2.IPAddress;
    const only1Ip = (await networksOf('only1')).n1.IPAddress;
    assert.equal(await fetchFrom('cli', 'srv'), 'unknown name');
    assert.equal(await fetchFrom('cli', srvIp), 'unreachable', 'networks are isolated before the connect');

    await ok(['network', 'connect', '--alias', 'cli-alias', 'n2', 'cli']);
    assert.equal(await eventually('srv by name', async () => ((await fetchFrom('cli', 'srv')) === 'srv' ? 'srv' : undefined)), 'srv');
    assert.equal(await fetchFrom('cli', 'api'), 'srv', 'by its alias');
    assert.equal(await fetchFrom('cli', 'only1'), 'only1', 'the first network still works');
    assert.equal(await fetchFrom('srv', 'cli-alias'), 'cli', 'the peer learnt the new alias');
    assert.equal(await fetchFrom('srv', 'cli'), 'cli');
    // The connected container does not bridge the networks: srv still cannot reach only1.
    assert.equal(await fetchFrom('srv', only1Ip), 'unreachable');
    assert.equal(await fetchFrom('srv', 'only1'), 'unknown name');

    // inspect, network inspect, ps.
    const nets = await networksOf('cli');
    assert.deepEqual(Object.keys(nets).sort(), ['n1', 'n2']);
    const ifs = await interfaces('cli');
    assert.deepEqual(ifs, { eth0: `${nets.n1.IPAddress}/${nets.n1.IPPrefixLen}`, eth1: `${nets.n2.IPAddress}/${nets.n2.IPPrefixLen}` });
    const shortId = (await ok(['inspect', '--format', '{{.Id}}', 'cli'])).slice(0, 12);
    assert.deepEqual(nets.n2.Aliases, ['cli-alias', shortId]);
    for (const [name, ep] of Object.entries(nets)) {
      assert.equal(ep.NetworkID, await ok(['network', 'inspect', '--format', '{{.Id}}', name]));
      assert.match(ep.EndpointID, /^[0-9a-f]{64}$/);
      assert.equal(ep.MacAddress, `02:42:${ep.IPAddress.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')}`);
      assert.equal(ep.Gateway, await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', name]));
    }
    assert.notEqual(nets.n1.EndpointID, nets.n2.EndpointID);
    assert.equal((await ok(['exec', 'cli', 'ip', 'link', 'show', 'eth1'])).includes(nets.n2.MacAddress), true);
    const n2 = JSON.parse(await ok(['network', 'inspect', '--format', '{{json .Containers}}', 'n2'])) as Record<string, { Name: string; IPv4Address: string; EndpointID: string }>;
    assert.deepEqual(Object.values(n2).map((c) => c.Name).sort(), ['cli', 'srv']);
    assert.equal(Object.values(n2).find((c) => c.Name === 'cli')?.EndpointID, nets.n2.EndpointID);
    // The CLI lists them in Go map order: sorted here.
    assert.deepEqual((await ok(['ps', '--format', '{{.Networks}}', '--filter', 'name=cli'])).split(',').sort(), ['n1', 'n2']);
    assert.equal(await ok(['ps', '-q', '--filter', 'network=n2', '--filter', 'name=cli']), shortId);

    // Default route stays on the first network.
    assert.match(await ok(['exec', 'cli', 'ip', 'route']), new RegExp(`default via ${nets.n1.Gateway.replace(/\./g, '\\.')} dev eth0`));

    await ok(['network', 'disconnect', 'n2', 'cli']);
    assert.equal(await fetchFrom('cli', 'srv'), 'unknown name');
    assert.equal(await fetchFrom('cli', srvIp), 'unreachable');
    assert.equal(await fetchFrom('srv', 'cli-alias'), 'unknown name');
    assert.deepEqual(Object.keys(await interfaces('cli')), ['eth0']);
    assert.deepEqual(Object.keys(await networksOf('cli')), ['n1']);
    assert.equal(await fetchFrom('cli', 'only1'), 'only1');
    // Connected again: a new interface, and names work again.
    await ok(['network', 'connect', 'n2', 'cli']);
    assert.equal(await fetchFrom('cli', 'api'), 'srv');
    // Disconnecting the first network moves the default route to the one left.
    await ok(['network', 'disconnect', 'n1', 'cli']);
    const left = await networksOf('cli');
    assert.deepEqual(Object.keys(left), ['n2']);
    assert.match(await ok(['exec', 'cli', 'ip', 'route']), new RegExp(`default via ${left.n2.Gateway.replace(/\./g, '\\.')} dev eth`));
    assert.equal(await fetchFrom('cli', 'only1'), 'unknown name');

    // A container on the default bridge (no --network) joins a user network too; aliases there only.
    await ok(['run', '-d', '--name', 'plain', 'busybox', 'sleep', '600']);
    const onBridge = await e.docker(['network', 'connect', '--alias', 'nope', 'bridge', 'plain']);
    assert.match(onBridge.stderr, /network-scoped alias is supported only for containers in user defined networks/);
    await ok(['network', 'connect', '--alias', 'plain-alias', 'n2', 'plain']);
    assert.deepEqual(Object.keys(await networksOf('plain')), ['bridge', 'n2']);
    assert.equal(await fetchFrom('plain', 'api'), 'srv');
    assert.equal(await eventually('plain by alias', async () => { const r = await e.docker(['exec', 'srv', 'ping', '-c', '1', '-W', '2', 'plain-alias']); return r.code === 0 ? true : undefined; }), true);
  } finally {
    await e.docker(['rm', '-f', 'srv', 'only1', 'cli', 'plain']);
    await e.docker(['network', 'rm', 'n1', 'n2']);
  }
});

test('a created container connected to more networks, then started; create with two EndpointsConfig; static addresses; stop and start again', opts, async () => {
  await ok(['network', 'create', 'm1']);
  const subnet = await createWithSubnet('m2');
  const staticIp = subnet.replace(/0\/24$/, '77');
  try {
    await ok(['run', '-d', '--name', 'm1srv', '--network', 'm1', 'busybox', 'sh', '-c', HTTPD('m1srv')]);
    await ok(['run', '-d', '--name', 'm2srv', '--network', 'm2', 'busybox', 'sh', '-c', HTTPD('m2srv')]);
    // Created, then connected (docker-compose's order), then started.
    await ok(['create', '--name', 'late', '--network', 'm1', 'busybox', 'sh', '-c', HTTPD('late')]);
    await ok(['network', 'connect', '--alias', 'late-alias', '--ip', staticIp, 'm2', 'late']);
    const created = await networksOf('late');
    assert.deepEqual(Object.keys(created), ['m1', 'm2']);
    assert.equal(created.m2.IPAddress, '', 'no address before the start');
    assert.deepEqual(created.m2.IPAMConfig, { IPv4Address: staticIp });
    assert.deepEqual((await ok(['ps', '-a', '--format', '{{.Networks}}', '--filter', 'name=late'])).split(',').sort(), ['m1', 'm2']);
    await ok(['start', 'late']);
    assert.equal((await networksOf('late')).m2.IPAddress, staticIp);
    assert.equal((await interfaces('late')).eth1, `${staticIp}/24`);
    assert.equal(await fetchFrom('late', 'm1srv'), 'm1srv');
    assert.equal(await fetchFrom('late', 'm2srv'), 'm2srv');
    assert.equal(await eventually('late-alias from m2srv', async () => ((await fetchFrom('m2srv', 'late-alias')) === 'late' ? 'late' : undefined)), 'late');
    // Stopped and started again: the same networks, the same static address.
    await ok(['stop', '-t', '0', 'late']);
    assert.equal(await fetchFrom('m2srv', 'late-alias'), 'unknown name', 'a stopped container leaves its peers\' /etc/hosts');
    await ok(['network', 'disconnect', 'm1', 'late']);
    await ok(['start', 'late']);
    assert.deepEqual(await interfaces('late'), { eth0: `${staticIp}/24` });
    assert.equal(await fetchFrom('late', 'm1srv'), 'unknown name');
    // A network removed while a stopped container still names it: start fails (404, as Docker's),
    // disconnect --force takes it out of the record.
    await ok(['network', 'create', 'gone']);
    await ok(['network', 'connect', 'gone', 'late']);
    await ok(['stop', '-t', '0', 'late']);
    await ok(['network', 'rm', 'gone']);
    assert.match((await e.docker(['start', 'late'])).stderr, /network gone not found/);
    assert.match((await e.docker(['network', 'disconnect', 'gone', 'late'])).stderr, /network gone not found/);
    await ok(['network', 'disconnect', '--force', 'gone', 'late']);
    await ok(['start', 'late']);
    assert.deepEqual(Object.keys(await networksOf('late')), ['m2']);

    // Create with two networks in EndpointsConfig (as newer API versions send), through dockerode.
    const c = await e.client.createContainer({
      name: 'twonets', Image: 'busybox', Cmd: ['sh', '-c', HTTPD('twonets')], HostConfig: { NetworkMode: 'm1' },
      NetworkingConfig: { EndpointsConfig: { m2: { Aliases: ['two'], IPAMConfig: { IPv4Address: subnet.replace(/0\/24$/, '88') } }, m1: { Aliases: ['one'] } } },
    });
    await c.start();
    const two = await networksOf('twonets');
    assert.deepEqual(Object.keys(two), ['m1', 'm2'], 'the network of NetworkMode comes first');
    assert.equal(two.m2.IPAddress, subnet.replace(/0\/24$/, '88'));
    assert.deepEqual(Object.keys(await interfaces('twonets')), ['eth0', 'eth1']);
    assert.equal(await fetchFrom('m1srv', 'one'), 'twonets');
    assert.equal(await fetchFrom('m2srv', 'two'), 'twonets');
    assert.equal(await fetchFrom('twonets', 'late-alias'), 'late');
    // docker-compose disconnects a created container from its only network and connects it again.
    await ok(['create', '--name', 'recon', '--network', 'm2', 'busybox', 'sh', '-c', HTTPD('recon')]);
    await ok(['network', 'disconnect', 'm2', 'recon']);
    assert.equal(await ok(['inspect', '--format', '{{len .NetworkSettings.Networks}}', 'recon']), '0');
    await ok(['network', 'connect', '--alias', 'svc', 'm2', 'recon']);
    await ok(['start', 'recon']);
    assert.equal(await fetchFrom('m2srv', 'svc'), 'recon');
    // --link on a user-defined network: an alias only the linking container sees.
    await ok(['run', '-d', '--name', 'linker', '--network', 'm2', '--link', 'm2srv:db', 'busybox', 'sleep', '600']);
    assert.equal(await fetchFrom('linker', 'db'), 'm2srv');
    assert.equal(await fetchFrom('recon', 'db'), 'unknown name');
    assert.deepEqual((await networksOf('linker')).m2.Links, ['m2srv:db']);
    const legacy = await e.docker(['create', '--link', 'm2srv:db', 'busybox', 'true']);
    assert.notEqual(legacy.code, 0);
    assert.match(legacy.stderr, /legacy links \(--link\) on the default bridge are not supported/);
  } finally {
    await e.docker(['rm', '-f', 'm1srv', 'm2srv', 'late', 'twonets', 'recon', 'linker']);
    await e.docker(['network', 'rm', 'm1', 'm2']);
  }
});

test('a daemon restart (kill -9) keeps both interfaces, the names, and connect/disconnect keep working', opts, async () => {
  await ok(['network', 'create', 'r1']);
  await ok(['network', 'create', 'r2']);
  try {
    await ok(['run', '-d', '--name', 'rsrv', '--network', 'r2', '--network-alias', 'rapi', 'busybox', 'sh', '-c', HTTPD('rsrv')]);
    await ok(['run', '-d', '--name', 'rcli', '--network', 'r1', 'busybox', 'sh', '-c', HTTPD('rcli')]);
    await ok(['network', 'connect', '--alias', 'rcli-alias', 'r2', 'rcli']);
    const before = await networksOf('rcli');
    const ifsBefore = await interfaces('rcli');
    await e.crash();
    await e.restart();
    assert.deepEqual(await networksOf('rcli'), before);
    assert.deepEqual(await interfaces('rcli'), ifsBefore);
    assert.equal(await fetchFrom('rcli', 'rapi'), 'rsrv');
    const r2 = JSON.parse(await ok(['network', 'inspect', '--format', '{{json .Containers}}', 'r2'])) as Record<string, { Name: string }>;
    assert.deepEqual(Object.values(r2).map((c) => c.Name).sort(), ['rcli', 'rsrv']);
    // The restarted daemon knows the second interface: it can take it out, and put it back.
    await ok(['network', 'disconnect', 'r2', 'rcli']);
    assert.deepEqual(Object.keys(await interfaces('rcli')), ['eth0']);
    assert.equal(await fetchFrom('rsrv', 'rcli-alias'), 'unknown name');
    await ok(['network', 'connect', 'r2', 'rcli']);
    assert.equal(await fetchFrom('rcli', 'rapi'), 'rsrv');
    // Both interfaces go with the container: the networks can be removed.
    await ok(['rm', '-f', 'rcli', 'rsrv']);
    await ok(['network', 'rm', 'r1', 'r2']);
  } finally {
    await e.docker(['rm', '-f', 'rcli', 'rsrv']);
    await e.docker(['network', 'rm', 'r1', 'r2']);
  }
});

test('published ports follow the default route when its network is disconnected', opts, async () => {
  await ok(['network', 'create', 'p1']);
  await ok(['network', 'create', 'p2']);
  try {
    await ok(['run', '-d', '--name', 'pub', '--network', 'p1', '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', HTTPD('published')]);
    const port = (await ok(['port', 'pub', '80/tcp'])).split(':').pop();
    const page = () => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) }).then((x) => x.text(), () => undefined);
    assert.equal(await eventually('the published port', page), 'published\n');
    await ok(['network', 'connect', 'p2', 'pub']);
    assert.equal(await page(), 'published\n', 'a second network changes nothing for the published port');
    await ok(['network', 'disconnect', 'p1', 'pub']);
    assert.equal(await eventually('the port through p2', page), 'published\n');
    assert.equal(await ok(['port', 'pub', '80/tcp']), `127.0.0.1:${port}`);
  } finally {
    await e.docker(['rm', '-f', 'pub']);
    await e.docker(['network', 'rm', 'p1', 'p2']);
  }
});

/** POST to the Engine API over a unix socket: status and Docker's error message. */
function post(socketPath: string, path: string, body: unknown): Promise<{ status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = request({ socketPath, method: 'POST', path: `/v1.41${path}`, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => {
        let message = '';
        try { message = (JSON.parse(text) as { message?: string }).message ?? ''; } catch { message = text.trim(); }
        resolve({ status: res.statusCode ?? 0, message });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

interface Side { label: string; socket: string; image: string; docker(args: string[]): Promise<RunResult> }

/** The error cases on one engine: case -> "status message" (64-hex IDs as <id>). */
async function errorCases(s: Side): Promise<Record<string, string>> {
  const n = (x: string) => `${tag}-${x}`;
  const must = async (args: string[]) => { const r = await s.docker(args); assert.equal(r.code, 0, `${s.label}: docker ${args.join(' ')}: ${r.stderr}`); };
  await must(['network', 'create', n('ea')]);
  await must(['network', 'create', n('eb')]);
  let subnet = '';
  for (let i = 0; !subnet && i < 20; i++) {
    const c = `10.${200 + randomInt(50)}.${randomInt(256)}.0/24`;
    if ((await s.docker(['network', 'create', '--subnet', c, n('es')])).code === 0) subnet = c;
  }
  assert.ok(subnet, `${s.label}: a network with a subnet`);
  const inSubnet = (last: number) => subnet.replace(/0\/24$/, String(last));
  await must(['run', '-d', '--name', n('run'), '--network', n('ea'), s.image, 'sleep', '600']);
  await must(['run', '-d', '--name', n('fixed'), '--network', n('es'), '--ip', inSubnet(50), s.image, 'sleep', '600']);
  await must(['create', '--name', n('created'), '--network', n('ea'), s.image, 'sleep', '600']);
  await must(['run', '-d', '--name', n('onhost'), '--network', 'host', s.image, 'sleep', '600']);
  await must(['run', '-d', '--name', n('onnone'), '--network', 'none', s.image, 'sleep', '600']);
  const out: Record<string, string> = {};
  const c = async (what: string, net: string, op: 'connect' | 'disconnect', body: Record<string, unknown>) => {
    const r = await post(s.socket, `/networks/${net}/${op}`, body);
    out[what] = `${r.status} ${r.message.replace(/[0-9a-f]{64}/g, '<id>')}`;
  };
  await c('connect a running container twice', n('ea'), 'connect', { Container: n('run') });
  await c('connect a created container twice', n('ea'), 'connect', { Container: n('created') });
  await c('unknown network', n('nonet'), 'connect', { Container: n('run') });
  await c('unknown container', n('ea'), 'connect', { Container: n('nocontainer') });
  await c('no container', n('ea'), 'connect', {});
  await c('alias on the default bridge', 'bridge', 'connect', { Container: n('run'), EndpointConfig: { Aliases: ['x'] } });
  await c('address on the default bridge', 'bridge', 'connect', { Container: n('run'), EndpointConfig: { IPAMConfig: { IPv4Address: '172.17.0.99' } } });
  await c('address on a network without a configured subnet', n('eb'), 'connect', { Container: n('run'), EndpointConfig: { IPAMConfig: { IPv4Address: '10.1.2.3' } } });
  await c('address outside the subnet', n('es'), 'connect', { Container: n('run'), EndpointConfig: { IPAMConfig: { IPv4Address: '10.1.2.3' } } });
  await c('address in use', n('es'), 'connect', { Container: n('run'), EndpointConfig: { IPAMConfig: { IPv4Address: inSubnet(50) } } });
  await c('a container on host joins a network', n('ea'), 'connect', { Container: n('onhost') });
  await c('a container on none joins a network', n('ea'), 'connect', { Container: n('onnone') });
  await c('connect to host', 'host', 'connect', { Container: n('run') });
  await c('connect to none', 'none', 'connect', { Container: n('run') });
  await c('disconnect from host', 'host', 'disconnect', { Container: n('onhost') });
  await c('disconnect a running container from a network it is not on', n('eb'), 'disconnect', { Container: n('run') });
  await c('disconnect a created container from a network it is not on', n('eb'), 'disconnect', { Container: n('created') });
  await c('disconnect from an unknown network', n('nonet'), 'disconnect', { Container: n('run') });
  await c('disconnect an unknown container', n('ea'), 'disconnect', { Container: n('nocontainer') });
  await c('connect a running container', n('eb'), 'connect', { Container: n('run'), EndpointConfig: { Aliases: ['fine'] } });
  await c('disconnect it', n('eb'), 'disconnect', { Container: n('run'), Force: false });
  return out;
}

async function cleanErrorCases(s: Side): Promise<void> {
  await s.docker(['rm', '-f', ...['run', 'fixed', 'created', 'onhost', 'onnone'].map((x) => `${tag}-${x}`)]);
  await s.docker(['network', 'rm', ...['ea', 'eb', 'es'].map((x) => `${tag}-${x}`)]);
}

/**
 * Where berthd answers otherwise than Docker Engine, on purpose: Docker answers 500 (an internal
 * error) for a user's mistake, berthd 400 with the same message.
 */
const DIFFERENT_STATUS: Record<string, [docker: number, berthd: number]> = {
  'address outside the subnet': [500, 400],
  'disconnect a running container from a network it is not on': [500, 400],
  'disconnect a created container from a network it is not on': [500, 400],
};

const EXPECTED: Record<string, RegExp> = {
  'connect a running container twice': new RegExp(`^403 endpoint with name ${tag}-run already exists in network ${tag}-ea$`),
  'connect a created container twice': /^200 $/,
  'unknown network': new RegExp(`^404 network ${tag}-nonet not found$`),
  'unknown container': new RegExp(`^404 No such container: ${tag}-nocontainer$`),
  'no container': /^400 /,
  'alias on the default bridge': /^400 network-scoped alias is supported only for containers in user defined networks$/,
  'address on the default bridge': /^400 user specified IP address is supported on user defined networks only$/,
  'address on a network without a configured subnet': /^400 user specified IP address is supported only when connecting to networks with user configured subnets$/,
  'address outside the subnet': /^400 Invalid address 10\.1\.2\.3: It does not belong to any of this network's subnets$/,
  'address in use': /^403 Address already in use$/,
  'a container on host joins a network': /^400 container sharing network namespace with another container or host cannot be connected to any other network$/,
  'a container on none joins a network': /^400 container cannot be connected to multiple networks with one of the networks in private \(none\) mode$/,
  'connect to host': /^400 container cannot be disconnected from host network or connected to host network$/,
  'connect to none': /^400 container cannot be connected to multiple networks with one of the networks in private \(none\) mode$/,
  'disconnect from host': /^400 container cannot be disconnected from host network or connected to host network$/,
  'disconnect a running container from a network it is not on': new RegExp(`^400 container <id> is not connected to network ${tag}-eb$`),
  'disconnect a created container from a network it is not on': new RegExp(`^400 container <id> is not connected to the network ${tag}-eb$`),
  'disconnect from an unknown network': new RegExp(`^404 network ${tag}-nonet not found$`),
  'disconnect an unknown container': new RegExp(`^404 No such container: ${tag}-nocontainer$`),
  'connect a running container': /^200 $/,
  'disconnect it': /^200 $/,
};

test('error cases: Docker\'s statuses and messages (berthd)', opts, async () => {
  const s: Side = { label: 'berthd', socket: e.socket, image: 'busybox', docker: (a) => e.docker(a) };
  try {
    const got = await errorCases(s);
    for (const [what, re] of Object.entries(EXPECTED)) assert.match(got[what], re, what);
  } finally {
    await cleanErrorCases(s);
  }
});

test('the same error cases on Docker Engine (statuses as berthd\'s but for the 500s listed)', opts, async (t: TestContext) => {
  if (!requireOrSkip(t, dockerd !== undefined, `a Docker Engine at ${DOCKER_SOCKET}${inCI ? ' (CI starts dockerd)' : ''}`)) return;
  const s: Side = { label: 'Docker Engine', socket: DOCKER_SOCKET, image: DOCKER_IMAGE, docker: (a) => dockerd!.docker(a) };
  try {
    const got = await errorCases(s);
    for (const [what, re] of Object.entries(EXPECTED)) {
      const diff = DIFFERENT_STATUS[what];
      const expected = diff ? new RegExp(re.source.replace(`^${diff[1]} `, `^${diff[0]} `)) : re;
      if (what === 'no container') continue; // message differs between Docker versions
      assert.match(got[what], expected, `Docker Engine: ${what}`);
    }
  } finally {
    await cleanErrorCases(s);
  }
});

function compose(args: string[], env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker-compose', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

const hasCompose = (() => { try { execFileSync('docker-compose', ['version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

test('Debian\'s docker-compose 1.29 against berthd: a service on two networks with an alias (up -d, ps, logs, exec, up again, down -v)', opts, async (t: TestContext) => {
  if (!requireOrSkip(t, hasCompose, 'docker-compose (Debian: apt-get install docker-compose)')) return;
  const dir = mkdtempSync(join(scratch, 'compose-'));
  const file = join(dir, 'docker-compose.yml');
  writeFileSync(file, [
    'version: "3.8"',
    'services:',
    '  web:',
    '    image: busybox:latest',
    `    command: sh -c 'echo web starting; ${HTTPD('hello-from-web')}'`,
    '    networks:',
    '      front:',
    '      back:',
    '        aliases: [api]',
    '    volumes: [data:/data]',
    '  worker:',
    '    image: busybox:latest',
    '    command: sh -c \'echo worker starting; exec sleep 1000\'',
    '    networks: [back]',
    '  edge:',
    '    image: busybox:latest',
    '    command: sh -c \'echo edge starting; exec sleep 1000\'',
    '    networks: [front]',
    'networks:',
    '  front:',
    '  back:',
    'volumes:',
    '  data:',
    '',
  ].join('\n'));
  const project = `nc${process.pid}`;
  const dc = (args: string[]) => compose(['-p', project, '-f', file, ...args], e.env);
  try {
    const up = await dc(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    const ps = await dc(['ps']);
    assert.equal(ps.code, 0, ps.stderr);
    const rows = ps.stdout.split('\n').filter((l) => l.startsWith(`${project}_`));
    assert.deepEqual(rows.map((l) => l.split(/\s+/)[0]).sort(), [`${project}_edge_1`, `${project}_web_1`, `${project}_worker_1`]);
    for (const r of rows) assert.match(r, /\bUp\b/, ps.stdout);
    const web = `${project}_web_1`;
    const nets = await networksOf(web);
    assert.deepEqual(Object.keys(nets).sort(), [`${project}_back`, `${project}_front`]);
    assert.ok(nets[`${project}_back`].Aliases?.includes('api') && nets[`${project}_back`].Aliases?.includes('web'), JSON.stringify(nets));
    assert.deepEqual(Object.keys(await interfaces(web)).sort(), ['eth0', 'eth1']);
    // The service name and the alias from the worker (back), the service name from edge (front).
    const get = async (service: string, target: string) => dc(['exec', '-T', service, 'timeout', '3', 'wget', '-q', '-O', '-', `http://${target}/`]);
    const byAlias = await eventually('web by its alias', async () => { const r = await get('worker', 'api'); return r.code === 0 ? r.stdout : undefined; });
    assert.equal(byAlias.trim(), 'hello-from-web');
    assert.equal((await get('worker', 'web')).stdout.trim(), 'hello-from-web');
    assert.equal((await get('edge', 'web')).stdout.trim(), 'hello-from-web');
    // edge and worker share no network: neither name resolves.
    assert.equal(await hostsEntry(dc, ['exec', '-T', 'edge'], 'worker'), '');
    assert.equal(await hostsEntry(dc, ['exec', '-T', 'worker'], 'edge'), '');
    assert.notEqual(await hostsEntry(dc, ['exec', '-T', 'edge'], 'web'), '');
    const logs = await dc(['logs', '--no-color']);
    assert.equal(logs.code, 0, logs.stderr);
    for (const s of ['web', 'worker', 'edge']) assert.match(logs.stdout, new RegExp(`^${s}_1\\s+\\| ${s} starting$`, 'm'));
    // A second up finds everything as it should be (networks not to be recreated).
    const again = await dc(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /is up-to-date/);
    const down = await dc(['down', '-v']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await ok(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`]), '');
    assert.equal(await ok(['network', 'ls', '-q', '--filter', `name=${project}_`]), '');
    assert.equal(await ok(['volume', 'ls', '-q', '--filter', `name=${project}_`]), '');
  } finally {
    await dc(['down', '-v']).catch(() => undefined);
  }
});
