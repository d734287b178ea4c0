// Network isolation of the bundled engine, side by side with Docker Engine (issue 16; needs root, runc,
// the docker CLI, iptables, gcc with a static libc, dist/ built, and a Docker Engine at
// /var/run/docker.sock for the comparison):
// - CVE-2020-8558: a container crafts a TCP SYN to 127.0.0.1:PORT, sent at layer 2 to its gateway's
//   MAC (test/helpers/syn-probe.c, built here with gcc -static and bind-mounted into busybox), and a
//   host server listening only on 127.0.0.1 must not answer. Controls: the same probe gets a SYN-ACK
//   from the gateway's address, and on berthd from 127.0.0.1 once the drop rules are taken out.
// - user-defined networks are isolated from each other and from the default bridge (ping and TCP),
//   within a network everything works, a container connected to two networks reaches both, and a
//   port published by a container on one network is reachable from another network at a host
//   address, from the host's 127.0.0.1 and from its external address.
// - the rules survive a daemon restart without duplicates, go with their network, and a daemon's
//   teardown leaves nothing of its prefix in any iptables table.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI, requireOrSkip } from '../../helpers/prereqs.js';
import type { RunResult } from '../../helpers/daemon.js';
import { buildSynProbe, SYN_PROBE_SCRIPT } from '../../helpers/syn-probe.js';
import { dockerEngine, shareImage, type DockerEngine } from '../containers/docker-engine.js';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions([['gcc', 'gcc (and libc6-dev for a static build of the SYN probe)']]);
const scratch = mkdtempSync(join(tmpdir(), 'berth-netiso-'));
/** Names on Docker Engine, which other tests and users share: unique to this run. */
const tag = `bni${process.pid}`;
const DOCKER_IMAGE = `berth-test-${tag}/busybox:latest`;
let e: Engine;
let dockerd: DockerEngine | undefined;

before(async () => {
  if (opts.skip) return;
  buildSynProbe(scratch);
  e = await startEngine();
  dockerd = await dockerEngine();
  if (dockerd) await shareImage(e, dockerd, DOCKER_IMAGE);
});

after(async () => {
  if (dockerd) {
    const ids = (await dockerd.docker(['ps', '-aq', '--filter', `name=${tag}`])).stdout.split('\n').filter(Boolean);
    if (ids.length) await dockerd.docker(['rm', '-f', ...ids]);
    for (const n of ['a', 'b']) await dockerd.docker(['network', 'rm', `${tag}-net${n}`]);
    await dockerd.docker(['rmi', DOCKER_IMAGE]);
  }
  await e?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

interface Side {
  label: string;
  image: string;
  docker(args: string[]): Promise<RunResult>;
}

const berth = (): Side => ({ label: 'berthd', image: 'busybox', docker: (a) => e.docker(a) });

function docker(t: TestContext): Side | undefined {
  if (!requireOrSkip(t, dockerd !== undefined, `a Docker Engine at /var/run/docker.sock${inCI ? ' (CI starts dockerd)' : ''}`)) return undefined;
  return { label: 'Docker Engine', image: DOCKER_IMAGE, docker: (a) => dockerd!.docker(a) };
}

async function ok(s: Side, args: string[]): Promise<string> {
  const r = await s.docker(args);
  assert.equal(r.code, 0, `${s.label}: docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A TCP server on the host; `connections` counts what it accepted. */
async function hostServer(host: string): Promise<{ port: number; server: Server; connections: () => number }> {
  let n = 0;
  const server = createServer((c) => { n++; c.end('HTTP/1.0 200 OK\r\n\r\nhost secret\n'); });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as { port: number }).port, server, connections: () => n };
}

/** The host's address on its default route (what other machines connect to). */
function externalAddress(): string | undefined {
  const out = execFileSync('ip', ['-4', 'route', 'get', '1.1.1.1'], { encoding: 'utf8' });
  return /\bsrc (\d+\.\d+\.\d+\.\d+)/.exec(out)?.[1];
}


async function synProbe(s: Side, container: string, dst: string, port: number): Promise<string> {
  const r = await s.docker(['exec', container, 'sh', '-c', SYN_PROBE_SCRIPT, 'probe', dst, String(port)]);
  assert.ok([0, 1, 2].includes(r.code), `${s.label}: syn-probe failed (${r.code}): ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

async function startProber(s: Side, name: string): Promise<void> {
  // A default container: Docker's capability set, CAP_NET_RAW included, on the default bridge.
  await ok(s, ['run', '-d', '--name', name, '-v', `${scratch}:/probe:ro`, s.image, 'sleep', '600']);
}

test('CVE-2020-8558: a SYN to 127.0.0.1 sent to the gateway\'s MAC gets no answer (berthd; control without the drop rules)', opts, async () => {
  const s = berth();
  const loopback = await hostServer('127.0.0.1');
  const any = await hostServer('0.0.0.0');
  try {
    await startProber(s, 'prober');
    // Control: the probe is sound (a reachable address answers).
    assert.equal(await synProbe(s, 'prober', 'gateway', any.port), 'synack');
    assert.equal(await synProbe(s, 'prober', '127.0.0.1', loopback.port), 'none');
    // A container on a user-defined network: its bridge has the rules too.
    await ok(s, ['network', 'create', 'probenet']);
    await ok(s, ['run', '-d', '--name', 'prober2', '--network', 'probenet', '-v', `${scratch}:/probe:ro`, s.image, 'sleep', '600']);
    assert.equal(await synProbe(s, 'prober2', 'gateway', any.port), 'synack');
    assert.equal(await synProbe(s, 'prober2', '127.0.0.1', loopback.port), 'none');
    // Control: without the drop rules the hole is there (route_localnet is on): the test can fail.
    const chain = `${e.prefix.toUpperCase()}-LOCALNET`;
    const rules = execFileSync('iptables', ['-w', '-t', 'raw', '-S', chain], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith(`-A ${chain} `));
    assert.ok(rules.length >= 4, `drop rules for both bridges in raw ${chain}: ${rules.join('; ')}`);
    execFileSync('iptables', ['-w', '-t', 'raw', '-F', chain]);
    try {
      assert.equal(await synProbe(s, 'prober', '127.0.0.1', loopback.port), 'synack');
    } finally {
      for (const r of rules) execFileSync('iptables', ['-w', '-t', 'raw', ...r.split(' ')]);
    }
    assert.equal(await synProbe(s, 'prober', '127.0.0.1', loopback.port), 'none');
    assert.equal(loopback.connections(), 0, 'no connection was ever completed to the loopback-only server');
    // Published ports on 127.0.0.1 still work from the host (the reason for route_localnet).
    await ok(s, ['run', '-d', '--name', 'lweb', '-p', '127.0.0.1::80', s.image, 'sh', '-c', 'mkdir /www; echo local > /www/index.html; exec httpd -f -p 80 -h /www']);
    const port = (await ok(s, ['port', 'lweb', '80/tcp'])).split(':').pop();
    assert.equal(await eventually('127.0.0.1 published port', () => fetch(`http://127.0.0.1:${port}/`).then((x) => x.text(), () => undefined)), 'local\n');
  } finally {
    loopback.server.close();
    any.server.close();
    await s.docker(['rm', '-f', 'prober', 'prober2', 'lweb']);
    await s.docker(['network', 'rm', 'probenet']);
  }
});

test('CVE-2020-8558 on Docker Engine: the same probe gets no answer from 127.0.0.1, an answer from the gateway', opts, async (t) => {
  const s = docker(t);
  if (!s) return;
  const loopback = await hostServer('127.0.0.1');
  const any = await hostServer('0.0.0.0');
  try {
    await startProber(s, `${tag}-prober`);
    assert.equal(await synProbe(s, `${tag}-prober`, 'gateway', any.port), 'synack');
    assert.equal(await synProbe(s, `${tag}-prober`, '127.0.0.1', loopback.port), 'none');
    assert.equal(loopback.connections(), 0);
  } finally {
    loopback.server.close();
    any.server.close();
    await s.docker(['rm', '-f', `${tag}-prober`]);
  }
});

const HTTPD = 'mkdir -p /www; echo "hello from $(hostname)" > /www/index.html; exec httpd -f -p 80 -h /www';

/**
 * From `from`, ping and HTTP to each target in parallel: "name ping ok|blocked", "name tcp ok|blocked".
 * (`timeout N wget`, not `wget -T N`: Debian's busybox-static 1.35 wget crashes with -T.)
 */
async function reach(s: Side, from: string, targets: Record<string, string>): Promise<Record<string, string>> {
  const script = [
    'check() {',
    '  (ping -c 1 -W 2 "$2" >/dev/null 2>&1 && echo "$1 ping ok" || echo "$1 ping blocked") &',
    '  (timeout 3 wget -q -O - "http://$2/" 2>/dev/null | grep -q hello && echo "$1 tcp ok" || echo "$1 tcp blocked") &',
    '}',
    ...Object.entries(targets).map(([name, addr]) => `check ${name} ${addr}`),
    'wait',
  ].join('\n');
  const out = await ok(s, ['exec', from, 'sh', '-c', script]);
  const seen: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const [name, kind, result] = line.trim().split(' ');
    if (name) seen[`${name} ${kind}`] = result;
  }
  return seen;
}

function expect(targets: Record<string, boolean>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, reachable] of Object.entries(targets)) {
    out[`${name} ping`] = reachable ? 'ok' : 'blocked';
    out[`${name} tcp`] = reachable ? 'ok' : 'blocked';
  }
  return out;
}

/**
 * Two user networks and the default bridge: a1, a2 on A; b1 (publishing port 80) on B; c1, c2 on
 * the default bridge. Returns whether `docker network connect` worked for a running container.
 */
async function isolationScenario(s: Side, n: (x: string) => string): Promise<{ connected: boolean }> {
  await ok(s, ['network', 'create', n('neta')]);
  await ok(s, ['network', 'create', n('netb')]);
  const gatewayA = await ok(s, ['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', n('neta')]);
  const run = (name: string, net: string[], extra: string[] = []) => ok(s, ['run', '-d', '--name', n(name), '--hostname', name, ...net, ...extra, s.image, 'sh', '-c', HTTPD]);
  await run('a1', ['--network', n('neta')]);
  await run('a2', ['--network', n('neta')]);
  await run('b1', ['--network', n('netb')], ['-p', '80']);
  await run('c1', []);
  await run('c2', []);
  const ipOf = async (name: string): Promise<string> => ok(s, ['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', n(name)]);
  const addr = { a1: await ipOf('a1'), a2: await ipOf('a2'), b1: await ipOf('b1'), c1: await ipOf('c1'), c2: await ipOf('c2') };
  // Wait until every httpd serves (from inside its own network).
  await eventually('httpd in a1', async () => ((await reach(s, n('a2'), { a1: addr.a1 }))['a1 tcp'] === 'ok' ? true : undefined));

  assert.deepEqual(await reach(s, n('a2'), { a1: addr.a1, b1: addr.b1, c1: addr.c1 }), expect({ a1: true, b1: false, c1: false }), `${s.label}: from a2 (network A)`);
  assert.deepEqual(await reach(s, n('b1'), { a1: addr.a1, a2: addr.a2, c1: addr.c1 }), expect({ a1: false, a2: false, c1: false }), `${s.label}: from b1 (network B)`);
  assert.deepEqual(await reach(s, n('c2'), { c1: addr.c1, a1: addr.a1, b1: addr.b1 }), expect({ c1: true, a1: false, b1: false }), `${s.label}: from c2 (default bridge)`);

  // A port published by b1 (network B): from network A at A's gateway (a host address), from the
  // host's 127.0.0.1 and from its external address.
  const port = (await ok(s, ['port', n('b1'), '80/tcp'])).split('\n')[0].split(':').pop();
  const viaGateway = await ok(s, ['exec', n('a2'), 'timeout', '5', 'wget', '-q', '-O', '-', `http://${gatewayA}:${port}/`]);
  assert.equal(viaGateway, 'hello from b1', `${s.label}: b1's published port from network A`);
  const fromHost = await eventually('published port from 127.0.0.1', () => fetch(`http://127.0.0.1:${port}/`).then((x) => x.text(), () => undefined));
  assert.equal(fromHost, 'hello from b1\n');
  const external = externalAddress();
  if (external) {
    const body = await fetch(`http://${external}:${port}/`, { signal: AbortSignal.timeout(5000) }).then((x) => x.text());
    assert.equal(body, 'hello from b1\n', `${s.label}: published port at the host's external address ${external}`);
  }

  // A container connected to both networks reaches both (and still not the default bridge).
  const connect = await s.docker(['network', 'connect', n('netb'), n('a2')]);
  if (connect.code !== 0) return { connected: false };
  assert.deepEqual(await reach(s, n('a2'), { a1: addr.a1, b1: addr.b1, c1: addr.c1 }), expect({ a1: true, b1: true, c1: false }), `${s.label}: from a2 on networks A and B`);
  // It does not join the networks for the others: B still cannot reach A.
  assert.deepEqual(await reach(s, n('b1'), { a1: addr.a1 }), expect({ a1: false }), `${s.label}: from b1 with a2 on both networks`);
  return { connected: true };
}

async function cleanScenario(s: Side, n: (x: string) => string): Promise<void> {
  await s.docker(['rm', '-f', ...['a1', 'a2', 'b1', 'c1', 'c2'].map(n)]);
  await ok(s, ['network', 'rm', n('neta'), n('netb')]);
}

test('user-defined networks are isolated from each other and from the default bridge (berthd)', opts, async () => {
  const s = berth();
  const n = (x: string) => x;
  try {
    const { connected } = await isolationScenario(s, n);
    assert.ok(connected, 'docker network connect works on berthd');
    // The rules of a network are in the daemon's own chains, keyed by its bridge: the host's
    // interface holding the network's gateway address (user networks show no bridge option, as Docker's).
    const gateway = await ok(s, ['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'neta']);
    const bridge = /^\d+:\s+(\S+)/.exec(execFileSync('ip', ['-o', '-4', 'addr', 'show', 'to', gateway], { encoding: 'utf8' }))?.[1] ?? '';
    assert.ok(bridge.startsWith(e.prefix), `the bridge of neta: ${bridge}`);
    const rulesOf = () => execFileSync('iptables-save', { encoding: 'utf8' }).split('\n').filter((l) => l.includes(bridge));
    const before = rulesOf();
    assert.ok(before.length >= 8, before.join('\n'));
    // A restarted daemon (containers left running) puts every rule back once, not twice, and takes
    // out the ACCEPTs that daemons before the chains put straight in FORWARD (ahead of the isolation).
    execFileSync('iptables', ['-w', '-I', 'FORWARD', '-i', bridge, '-j', 'ACCEPT']);
    execFileSync('iptables', ['-w', '-I', 'FORWARD', '-o', bridge, '-j', 'ACCEPT']);
    await e.crash();
    await e.restart();
    await ok(s, ['ps']); // the container engine (and with it the rules) is ready once the API answers
    assert.deepEqual(rulesOf().sort(), [...before].sort());
    assert.deepEqual(await reach(s, 'a2', { a1: (await ok(s, ['inspect', '--format', '{{.NetworkSettings.Networks.neta.IPAddress}}', 'a1'])), b1: (await ok(s, ['inspect', '--format', '{{.NetworkSettings.Networks.netb.IPAddress}}', 'b1'])), c1: (await ok(s, ['inspect', '--format', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'c1'])) }), expect({ a1: true, b1: true, c1: false }), 'a2 still on both networks after the restart');
    await cleanScenario(s, n);
    assert.deepEqual(rulesOf(), [], 'a removed network leaves no rule');
  } finally {
    await s.docker(['rm', '-f', 'a1', 'a2', 'b1', 'c1', 'c2']);
    await s.docker(['network', 'rm', 'neta', 'netb']);
  }
});

test('the same on Docker Engine: isolated networks, and a container connected to both reaches both', opts, async (t) => {
  const s = docker(t);
  if (!s) return;
  const n = (x: string) => `${tag}-${x}`;
  try {
    const { connected } = await isolationScenario(s, n);
    assert.ok(connected, 'docker network connect works on Docker Engine');
  } finally {
    await cleanScenario(s, n).catch(() => undefined);
  }
});

test('a daemon\'s teardown leaves nothing of its prefix in any iptables table', opts, async () => {
  const other = await startEngine();
  const mentions = () => execFileSync('iptables-save', { encoding: 'utf8' }).split('\n').filter((l) => l.includes(other.prefix) || l.includes(other.prefix.toUpperCase()));
  try {
    assert.equal((await other.docker(['network', 'create', 'tn'])).code, 0);
    assert.equal((await other.docker(['run', '-d', '--network', 'tn', 'busybox', 'sleep', '600'])).code, 0);
    assert.equal((await other.docker(['run', '-d', '-p', '80', 'busybox', 'sleep', '600'])).code, 0);
    assert.ok(mentions().some((l) => l.includes('-LOCALNET')) && mentions().some((l) => l.includes('-ISOLATION')), mentions().join('\n'));
  } finally {
    await other.dispose();
  }
  assert.deepEqual(mentions(), []);
});
