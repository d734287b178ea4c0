// Networking and volumes against berthd (needs root, runc, the docker CLI, iptables, dist/ built):
// a published port answers HTTP from the host, containers on a user-defined network reach each other
// by name, none/host modes, named volumes across containers, bind mounts, and the volume and network
// APIs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineTestOptions, eventually, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
const scratch = mkdtempSync(join(tmpdir(), 'berth-net-'));
before(async () => { if (!opts.skip) e = await startEngine(); });
after(async () => { await e?.dispose(); rmSync(scratch, { recursive: true, force: true }); });

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

const HTTPD = 'mkdir -p /www; echo "hello from $(hostname)" > /www/index.html; exec httpd -f -p 80 -h /www';

test('a published port answers an HTTP request from the host (busybox httpd)', opts, async () => {
  const port = await freePort();
  const r = await e.docker(['run', '-d', '--name', 'web', '--hostname', 'webhost', '-p', `127.0.0.1:${port}:80`, 'busybox', 'sh', '-c', HTTPD]);
  assert.equal(r.code, 0, r.stderr);
  const body = await eventually('httpd to answer', () => fetch(`http://127.0.0.1:${port}/index.html`).then((x) => x.text(), () => undefined));
  assert.equal(body, 'hello from webhost\n');
  assert.equal((await e.docker(['port', 'web'])).stdout.trim(), `80/tcp -> 127.0.0.1:${port}`);
  assert.match((await e.docker(['ps', '--format', '{{.Ports}}', '-f', 'name=web'])).stdout, new RegExp(`127\\.0\\.0\\.1:${port}->80/tcp`));
  // A random host port (-p 80) is allocated and reported.
  const any = await e.docker(['run', '-d', '--name', 'web2', '-p', '80', 'busybox', 'sh', '-c', HTTPD]);
  assert.equal(any.code, 0, any.stderr);
  const mapped = (await e.docker(['port', 'web2', '80'])).stdout.trim();
  const hostPort = Number(/:(\d+)$/.exec(mapped)?.[1]);
  assert.ok(hostPort > 0, mapped);
  assert.match(await eventually('web2', () => fetch(`http://127.0.0.1:${hostPort}/index.html`).then((x) => x.text(), () => undefined)), /hello/);
  // The same host port twice is a conflict at start.
  const clash = await e.docker(['run', '-d', '--name', 'web3', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true']);
  assert.notEqual(clash.code, 0);
  assert.match(clash.stderr, /port is already allocated/);
  await e.docker(['rm', '-f', 'web', 'web2', 'web3']);
  // After removal the rule is gone: nothing answers.
  await assert.rejects(fetch(`http://127.0.0.1:${port}/index.html`, { signal: AbortSignal.timeout(2000) }));
});

test('containers on a user-defined network reach each other by name; the default bridge reaches out', opts, async () => {
  assert.equal((await e.docker(['network', 'create', 'appnet'])).code, 0);
  assert.equal((await e.docker(['run', '-d', '--name', 'srv', '--network', 'appnet', '--network-alias', 'api', 'busybox', 'sh', '-c', HTTPD])).code, 0);
  const byName = await eventually('srv by name', async () => {
    const r = await e.docker(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://srv/index.html']);
    return r.code === 0 ? r.stdout : undefined;
  });
  assert.match(byName, /hello/);
  const byAlias = await e.docker(['run', '--rm', '--network', 'appnet', 'busybox', 'wget', '-qO-', 'http://api/index.html']);
  assert.match(byAlias.stdout, /hello/);
  // A container started first learns about later peers too (its /etc/hosts is rewritten).
  assert.equal((await e.docker(['run', '-d', '--name', 'late', '--network', 'appnet', 'busybox', 'sleep', '1000'])).code, 0);
  await eventually('srv to see late', async () => ((await e.docker(['exec', 'srv', 'grep', '-c', 'late', '/etc/hosts'])).stdout.trim() === '1' ? true : undefined));
  // SandboxKey names the namespace the container runs in, on a user-defined network and on the default
  // bridge (where the namespace may be one made ahead, with a name of its own).
  assert.equal((await e.docker(['run', '-d', '--name', 'onbridge', 'busybox', 'sleep', '1000'])).code, 0);
  for (const name of ['srv', 'onbridge']) {
    const [key, pid] = (await e.docker(['inspect', '-f', '{{.NetworkSettings.SandboxKey}} {{.State.Pid}}', name])).stdout.trim().split(' ');
    assert.ok(key, `${name} has a SandboxKey`);
    assert.equal(`net:[${statSync(key).ino}]`, readlinkSync(`/proc/${pid}/ns/net`), `${name}'s SandboxKey ${key} is its network namespace`);
  }
  assert.equal((await e.docker(['rm', '-f', 'onbridge'])).code, 0);
  const net = JSON.parse((await e.docker(['network', 'inspect', 'appnet'])).stdout)[0] as { Containers: Record<string, { Name: string; IPv4Address: string }>; IPAM: { Config: { Subnet: string }[] } };
  assert.deepEqual(Object.values(net.Containers).map((c) => c.Name).sort(), ['late', 'srv']);
  const rm = await e.docker(['network', 'rm', 'appnet']);
  assert.notEqual(rm.code, 0);
  assert.match(rm.stderr, /active endpoints/);
  // The default bridge: its own address, a gateway that answers.
  const gw = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'ip -4 route | grep default; ping -c 1 -W 2 $(ip -4 route | awk "/default/ {print \\$3}") >/dev/null && echo gateway-ok']);
  assert.match(gw.stdout, /gateway-ok/);
  await e.docker(['rm', '-f', 'srv', 'late']);
  assert.equal((await e.docker(['network', 'rm', 'appnet'])).code, 0);
});

test('network modes none and host', opts, async () => {
  const none = await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'sh', '-c', 'ls /sys/class/net | tr "\\n" " "']);
  assert.equal(none.stdout.trim(), 'lo');
  const host = await e.docker(['run', '--rm', '--network', 'host', 'busybox', 'hostname']);
  assert.equal(host.stdout.trim(), hostname());
  const unknown = await e.docker(['run', '--rm', '--network', 'nonet', 'busybox', 'true']);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /network nonet not found/);
});

test('a named volume keeps data across containers; bind mounts; read-only mounts; anonymous volumes', opts, async () => {
  assert.equal((await e.docker(['volume', 'create', '--label', 'k=v', 'keep'])).code, 0);
  assert.equal((await e.docker(['run', '--rm', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).code, 0);
  assert.equal((await e.docker(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'cat', '/data/f'])).stdout, 'kept\n');
  const ro = await e.docker(['run', '--rm', '-v', 'keep:/data:ro', 'busybox', 'sh', '-c', 'echo x > /data/g']);
  assert.notEqual(ro.code, 0);
  assert.match(ro.stderr, /Read-only file system/);
  writeFileSync(join(scratch, 'host.txt'), 'from host\n');
  const bind = await e.docker(['run', '--rm', '-v', `${scratch}:/h`, 'busybox', 'sh', '-c', 'cat /h/host.txt; echo back > /h/back.txt']);
  assert.equal(bind.stdout, 'from host\n');
  assert.equal(readFileSync(join(scratch, 'back.txt'), 'utf8'), 'back\n');
  const mountFlag = await e.docker(['run', '--rm', '--mount', `type=bind,source=${scratch},target=/m,readonly`, '--mount', 'type=tmpfs,target=/t', 'busybox', 'sh', '-c', 'cat /m/host.txt; grep " /t " /proc/mounts | cut -d" " -f3']);
  assert.equal(mountFlag.stdout, 'from host\ntmpfs\n');

  const v = JSON.parse((await e.docker(['volume', 'inspect', 'keep'])).stdout)[0] as { Name: string; Driver: string; Labels: Record<string, string>; Mountpoint: string };
  assert.deepEqual([v.Name, v.Driver, v.Labels.k], ['keep', 'local', 'v']);
  assert.equal(readFileSync(join(v.Mountpoint, 'f'), 'utf8'), 'kept\n');
  assert.deepEqual((await e.docker(['volume', 'ls', '-q', '-f', 'label=k=v'])).stdout.trim(), 'keep');
  // In use: refuse to remove.
  assert.equal((await e.docker(['run', '-d', '--name', 'user', '-v', 'keep:/data', 'busybox', 'sleep', '1000'])).code, 0);
  const busy = await e.docker(['volume', 'rm', 'keep']);
  assert.notEqual(busy.code, 0);
  assert.match(busy.stderr, /volume is in use/);
  await e.docker(['rm', '-f', 'user']);
  // Anonymous volumes (-v /path) go with rm -v; prune takes unused anonymous ones.
  assert.equal((await e.docker(['run', '--name', 'anon', '-v', '/scratch', 'busybox', 'sh', '-c', 'echo a > /scratch/a'])).code, 0);
  const anonName = (JSON.parse((await e.docker(['inspect', 'anon'])).stdout)[0] as { Mounts: { Name: string }[] }).Mounts[0].Name;
  assert.equal(anonName.length, 64);
  await e.docker(['rm', 'anon']);
  const prune = await e.client.pruneVolumes();
  assert.deepEqual(prune.VolumesDeleted, [anonName]);
  assert.equal((await e.docker(['volume', 'rm', 'keep'])).code, 0);
  await assert.rejects(e.client.getVolume('keep').inspect(), (err: { statusCode: number }) => err.statusCode === 404);
  const badName = await e.docker(['volume', 'create', 'bad/name']);
  assert.notEqual(badName.code, 0);
});

test('networks API: list, inspect, create with a subnet, overlap conflict, prune, predefined networks', opts, async () => {
  const ls = (await e.docker(['network', 'ls', '--format', '{{.Name}} {{.Driver}}'])).stdout;
  for (const n of ['bridge bridge', 'host host', 'none null']) assert.match(ls, new RegExp(n));
  const created = await e.client.createNetwork({ Name: 'sub1', IPAM: { Config: [{ Subnet: '10.231.7.0/24' }] }, Labels: { a: 'b' } });
  const info = await e.client.getNetwork(created.id).inspect() as { Name: string; IPAM: { Config: { Subnet: string; Gateway: string }[] }; Labels: Record<string, string> };
  assert.deepEqual([info.Name, info.IPAM.Config[0].Subnet, info.IPAM.Config[0].Gateway, info.Labels.a], ['sub1', '10.231.7.0/24', '10.231.7.1', 'b']);
  const ip = await e.docker(['run', '--rm', '--network', 'sub1', 'busybox', 'sh', '-c', 'ip -4 addr show eth0 | grep inet']);
  assert.match(ip.stdout, /10\.231\.7\.2\/24/);
  await assert.rejects(e.client.createNetwork({ Name: 'sub2', IPAM: { Config: [{ Subnet: '10.231.7.128/25' }] } }), (err: { statusCode: number }) => err.statusCode === 409);
  await assert.rejects(e.client.createNetwork({ Name: 'sub1' }), (err: { statusCode: number }) => err.statusCode === 409);
  await assert.rejects(e.client.getNetwork('bridge').remove(), (err: { statusCode: number; message: string }) => err.statusCode === 409 && /pre-defined/.test(err.message));
  await assert.rejects(e.client.getNetwork('nope').inspect(), (err: { statusCode: number }) => err.statusCode === 404);
  const pruned = await e.docker(['network', 'prune', '-f']);
  assert.match(pruned.stdout, /sub1/);
  assert.doesNotMatch((await e.docker(['network', 'ls'])).stdout, /sub1/);
});
