// berthd as an ordinary user (issue 8), driven by the docker CLI against the user's socket: a
// throwaway user with its own subordinate ids starts the daemon (it re-executes itself in a user
// namespace), then import, run, isolation, logs, exec, stop/rm, build, networking and published ports.
//
// Where this differs from root mode (containers-isolation.test.ts) because of the user namespace:
// - /proc/self/uid_map inside maps 0 to the user's uid (root mode: the identity map 0 0 4294967295);
// - cgroup limits are not applied (no delegated cgroup tree on this cgroup v1 host): `-m` gives a
//   create warning instead of an OOM kill, so there is no OOM or pids-limit test here;
// - `--network host` is the daemon's own network namespace (slirp4netns's tap0), not the host's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inCI } from '../../helpers/prereqs.js';
import { buildSynProbe, SYN_PROBE_SCRIPT } from '../../helpers/syn-probe.js';
import { registryOrSkip, startLocalRegistry } from '../registry/helpers/local-registry.js';
import { importBusyboxRootless, rootlessTestOptions, startRootlessEngine, type RootlessEngine } from '../rootless/rootless-fixture.js';

const opts = rootlessTestOptions();

let e: RootlessEngine;
before(async () => {
  if (opts.skip) return;
  e = await startRootlessEngine();
  await importBusyboxRootless(e);
});
after(async () => { await e?.dispose(); });

test('the daemon runs as the user, on the user\'s socket, with its ids mapped', opts, async () => {
  assert.match(e.ready, /^berthd ready on .*\/xdg\/berth\/engine\.sock/);
  assert.doesNotMatch(e.log(), /single-id|no subordinate ids/);
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'id -u; cat /proc/self/uid_map']);
  assert.equal(r.code, 0, r.stderr + e.log());
  const [id, ...map] = r.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  assert.equal(id, '0');
  assert.equal(map[0], `0 ${e.uid} 1`);
  assert.match(map[1], /^1 \d+ 65536$/);
  // As rootless Docker says it: the security option, and no cgroup limits on offer.
  const info = await e.docker(['info', '--format', '{{json .SecurityOptions}} {{.MemoryLimit}} {{.PidsLimit}}']);
  assert.equal(info.stdout.trim(), '["name=seccomp,profile=default","name=rootless"] false false', info.stderr);
  // Each entry holds in a container: name=rootless is the id map above; seccomp is Docker's filter.
  const warnings = await e.docker(['info', '--format', '{{json .Warnings}}']);
  assert.match(warnings.stdout, /rootless mode without a delegated cgroup tree: containers run without memory, CPU and pids limits/);
});

test('run echo; pid 1; hostname; writes stay in the container', opts, async () => {
  const echo = await e.docker(['run', '--rm', 'busybox', 'echo', 'hello rootless']);
  assert.equal(echo.stdout, 'hello rootless\n', echo.stderr);
  const r = await e.docker(['run', '--rm', '--hostname', 'boxy', 'busybox', 'sh', '-c', 'echo pid=$$; hostname; ls /proc | grep -c "^[0-9]"; echo secret > /etc/written']);
  assert.equal(r.code, 0, r.stderr);
  const [pid, host, count] = r.stdout.trim().split('\n');
  assert.equal(pid, 'pid=1');
  assert.equal(host, 'boxy');
  assert.ok(Number(count) < 8, r.stdout);
  assert.ok(!existsSync('/etc/written'));
  const other = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'cat /etc/written 2>&1 || true']);
  assert.doesNotMatch(other.stdout, /secret/);
});

test('Docker\'s capability set and seccomp filter inside the user namespace; no_new_privs only when asked for', opts, async () => {
  const r = await e.docker(['run', '--rm', 'busybox', 'sh', '-c', 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; unshare -U true 2>&1; echo unshare=$?']);
  assert.match(r.stdout, /CapEff:\s+00000000a80425fb/);
  assert.match(r.stdout, /NoNewPrivs:\s+0/);
  assert.match(r.stdout, /Seccomp:\s+2/);
  assert.match(r.stdout, /unshare=1/, 'the default profile refuses new user namespaces');
  const nnp = await e.docker(['run', '--rm', '--security-opt', 'no-new-privileges', 'busybox', 'grep', '-E', '^(NoNewPrivs|Seccomp):', '/proc/self/status']);
  assert.match(nnp.stdout, /NoNewPrivs:\s+1\nSeccomp:\s+2/);
  const unconfined = await e.docker(['run', '--rm', '--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/self/status']);
  assert.match(unconfined.stdout, /Seccomp:\s+0/);
});

test('a memory limit is reported as a warning and the container still runs; docker update too', opts, async () => {
  const r = await e.docker(['run', '--rm', '--memory', '64m', 'busybox', 'echo', 'ran']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ran\n');
  assert.match(r.stderr, /memory limit discarded: this rootless daemon has no cgroup tree/);
  // docker update: recorded, with the same warning, and the restart policy applies.
  assert.equal((await e.docker(['create', '--name', 'upd', 'busybox', 'true'])).code, 0);
  const u = await e.docker(['update', '--memory', '64m', '--restart', 'on-failure:2', 'upd']);
  assert.equal(u.code, 0, u.stderr);
  assert.match(u.stdout, /memory limit discarded: this rootless daemon has no cgroup tree/); // the CLI prints update warnings on stdout
  const i = JSON.parse((await e.docker(['inspect', 'upd'])).stdout)[0] as { HostConfig: { Memory: number; RestartPolicy: { Name: string; MaximumRetryCount: number } } };
  assert.equal(i.HostConfig.Memory, 64 * 1024 * 1024);
  assert.deepEqual(i.HostConfig.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.equal((await e.docker(['rm', 'upd'])).code, 0);
});

test('detached container: logs, exec, stop, rm', opts, async () => {
  const run = await e.docker(['run', '-d', '--name', 'svc', 'busybox', 'sh', '-c', 'echo started; exec sleep 300']);
  assert.equal(run.code, 0, run.stderr);
  let logs = '';
  for (let i = 0; i < 100 && !logs.includes('started'); i++) logs = (await e.docker(['logs', 'svc'])).stdout;
  assert.equal(logs, 'started\n');
  const ex = await e.docker(['exec', 'svc', 'sh', '-c', 'echo from exec; cat /proc/1/cmdline | tr "\\0" " "']);
  assert.equal(ex.code, 0, ex.stderr);
  assert.equal(ex.stdout, 'from exec\nsleep 300 ');
  // No cgroup to list the processes by: top reads the container's pid namespace instead.
  const top = await e.docker(['top', 'svc']);
  assert.equal(top.code, 0, top.stderr);
  assert.match(top.stdout, /sleep 300/);
  // No cgroup counters either: stats sums the container's processes from /proc.
  const stats = await e.docker(['stats', '--no-stream', '--format', '{{.MemUsage}} {{.PIDs}}', 'svc']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.match(stats.stdout, /^[1-9][\d.]*[KM]iB \/ [\d.]+GiB 1\n$/);
  const pause = await e.docker(['pause', 'svc']);
  assert.notEqual(pause.code, 0);
  assert.match(pause.stderr, /pause and unpause need the container's cgroup/);
  const stop = await e.docker(['stop', '-t', '1', 'svc']);
  assert.equal(stop.code, 0, stop.stderr);
  const state = await e.docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'svc']);
  assert.equal(state.stdout.trim(), 'exited 137');
  const kill = await e.docker(['run', '-d', '--name', 'svc2', 'busybox', 'sleep', '300']);
  assert.equal(kill.code, 0, kill.stderr);
  const rm = await e.docker(['rm', '-f', 'svc', 'svc2']);
  assert.equal(rm.code, 0, rm.stderr);
  assert.equal((await e.docker(['ps', '-aq'])).stdout, '');
});

test('build: RUN through the task runner, an opaque directory, files owned by another uid', opts, async () => {
  const ctx = mkdtempSync(join(tmpdir(), 'berth-rootless-ctx-'));
  try {
    writeFileSync(join(ctx, 'Dockerfile'), [
      'FROM busybox',
      'RUN echo built > /b && mkdir -p /d/sub && echo old > /d/sub/f',
      'RUN rm -rf /d && mkdir /d && echo new > /d/n',
      'RUN echo app:x:1234:1234::/:/bin/sh >> /etc/passwd && chown 1234:1234 /b',
      'USER app',
      'CMD cat /b; id -u; find /d; stat -c %u /b',
    ].join('\n'));
    const b = await e.docker(['build', '-q', '-t', 'rootless-built', ctx]);
    assert.equal(b.code, 0, b.stderr + e.log());
    const r = await e.docker(['run', '--rm', 'rootless-built']);
    assert.equal(r.stdout, 'built\n1234\n/d\n/d/n\n1234\n', r.stderr);
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
});

function hostAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

test('networks: none and host; bridge reaches the host through slirp4netns', opts, async () => {
  const none = await e.docker(['run', '--rm', '--network', 'none', 'busybox', 'ip', '-o', 'link']);
  assert.deepEqual(none.stdout.trim().split('\n').map((l) => l.split(':')[1].trim()), ['lo']);
  const host = await e.docker(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', '-4', 'addr']);
  assert.match(host.stdout, /tap0\s+inet 10\.0\.2\.100\//);
  const addr = hostAddress();
  assert.ok(addr, 'a non-loopback IPv4 address on the host');
  const server: Server = createServer((_req, res) => res.end('from the host\n'));
  await new Promise<void>((r) => server.listen(0, addr, r));
  try {
    const port = (server.address() as { port: number }).port;
    const r = await e.docker(['run', '--rm', 'busybox', 'wget', '-qO-', `http://${addr}:${port}/`]);
    assert.equal(r.stdout, 'from the host\n', r.stderr);
  } finally {
    server.close();
  }
});

test('published ports answer on the host\'s 127.0.0.1', opts, async () => {
  const run = await e.docker(['run', '-d', '--name', 'web', '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', 'mkdir /www && echo page > /www/index.html && exec httpd -f -p 80 -h /www']);
  assert.equal(run.code, 0, run.stderr + e.log());
  const port = (await e.docker(['port', 'web', '80/tcp'])).stdout.trim();
  assert.match(port, /^127\.0\.0\.1:\d+$/);
  let body = '';
  for (let i = 0; i < 100 && body !== 'page\n'; i++) {
    body = await fetch(`http://${port}/`).then((res) => res.text(), () => '');
    if (body !== 'page\n') await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(body, 'page\n');
  assert.equal((await e.docker(['rm', '-f', 'web'])).code, 0);
});

test('networks are isolated from each other; bridges keep route_localnet off and a SYN to 127.0.0.1 gets no answer', opts, async () => {
  // As in root mode (network-isolation.test.ts), inside the daemon's network namespace: there the
  // same iptables rules run (nf_tables in the user namespace), and route_localnet stays off since
  // published ports come in through slirp4netns at tap0's address, never at 127.0.0.1.
  const HTTPD = (listen: string) => `mkdir -p /www; echo "hello from $(hostname)" > /www/index.html; exec httpd -f -p ${listen} -h /www`;
  const ok = async (args: string[]): Promise<string> => {
    const r = await e.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}${e.log()}`);
    return r.stdout.trim();
  };
  try {
    await ok(['network', 'create', 'rneta']);
    await ok(['network', 'create', 'rnetb']);
    await ok(['run', '-d', '--name', 'ra1', '--hostname', 'ra1', '--network', 'rneta', 'busybox', 'sh', '-c', HTTPD('80')]);
    await ok(['run', '-d', '--name', 'rb1', '--hostname', 'rb1', '--network', 'rnetb', 'busybox', 'sh', '-c', HTTPD('80')]);
    // The daemon's namespace (--network host): one server on its 127.0.0.1 only, one on every address.
    await ok(['run', '-d', '--name', 'rlo', '--network', 'host', 'busybox', 'sh', '-c', HTTPD('127.0.0.1:18099')]);
    await ok(['run', '-d', '--name', 'rany', '--network', 'host', 'busybox', 'sh', '-c', HTTPD('18098')]);
    let probeDir: string | undefined;
    try {
      probeDir = join(e.base, 'probe');
      mkdirSync(probeDir, { recursive: true });
      buildSynProbe(probeDir);
      chmodSync(probeDir, 0o755);
    } catch (err) {
      if (inCI) throw err;
      probeDir = undefined;
    }
    await ok(['run', '-d', '--name', 'ra2', '--network', 'rneta', ...(probeDir ? ['-v', `${probeDir}:/probe:ro`] : []), 'busybox', 'sleep', '600']);
    const ipOf = (name: string) => ok(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]);
    const check = async (addr: string): Promise<string> => (await e.docker(['exec', 'ra2', 'sh', '-c',
      `ping -c 1 -W 2 ${addr} >/dev/null 2>&1 && echo -n "ping ok" || echo -n "ping blocked"; timeout 3 wget -q -O - http://${addr}/ 2>/dev/null | grep -q hello && echo " tcp ok" || echo " tcp blocked"`])).stdout.trim();
    const a1 = await ipOf('ra1');
    let within = '';
    for (let i = 0; i < 50 && within !== 'ping ok tcp ok'; i++) within = await check(a1);
    assert.equal(within, 'ping ok tcp ok', 'within a network');
    assert.equal(await check(await ipOf('rb1')), 'ping blocked tcp blocked', 'across networks');
    // network connect works here too: ra2 joins rnetb (a new interface, no restart), reaches rb1 by
    // name, rb1 reaches ra2 by its alias; after the disconnect neither.
    await ok(['network', 'connect', '--alias', 'ra2-alias', 'rnetb', 'ra2']);
    assert.equal(await check('rb1'), 'ping ok tcp ok', 'connected to both networks');
    assert.equal((await e.docker(['exec', 'rb1', 'ping', '-c', '1', '-W', '2', 'ra2-alias'])).code, 0, 'rb1 reaches ra2 by its alias');
    await ok(['network', 'disconnect', 'rnetb', 'ra2']);
    assert.equal(await check(await ipOf('rb1')), 'ping blocked tcp blocked', 'across networks after the disconnect');
    assert.doesNotMatch(await ok(['exec', 'ra2', 'cat', '/etc/hosts']), /rb1/);
    // The bridge is the interface holding the network's gateway address, in the daemon's namespace.
    const gateway = await ok(['network', 'inspect', '--format', '{{(index .IPAM.Config 0).Gateway}}', 'rneta']);
    const bridge = /^\d+:\s+(\S+)/.exec(await ok(['run', '--rm', '--network', 'host', 'busybox', 'ip', '-o', '-4', 'addr', 'show', 'to', gateway]))?.[1] ?? '';
    assert.ok(bridge, `the bridge of rneta (gateway ${gateway})`);
    assert.equal(await ok(['run', '--rm', '--network', 'host', 'busybox', 'cat', `/proc/sys/net/ipv4/conf/${bridge}/route_localnet`]), '0');
    if (probeDir) {
      const probe = (dst: string, port: number) => e.docker(['exec', 'ra2', 'sh', '-c', SYN_PROBE_SCRIPT, 'probe', dst, String(port)]);
      assert.equal((await probe('gateway', 18098)).stdout.trim(), 'synack', 'control: the probe gets an answer from the gateway');
      assert.equal((await probe('127.0.0.1', 18099)).stdout.trim(), 'none');
    }
  } finally {
    await e.docker(['rm', '-f', 'ra1', 'ra2', 'rb1', 'rlo', 'rany']);
    await e.docker(['network', 'rm', 'rneta', 'rnetb']);
  }
});

test('a container outlives a daemon restart: the new daemon joins its namespaces (exec, published port), then stops it', opts, async () => {
  const run = await e.docker(['run', '-d', '--name', 'survivor', '-p', '127.0.0.1::80', 'busybox', 'sh', '-c', 'echo up; mkdir /www && echo page > /www/index.html && exec httpd -f -p 80 -h /www']);
  assert.equal(run.code, 0, run.stderr);
  const fetchPage = async (): Promise<string> => {
    const port = (await e.docker(['port', 'survivor', '80/tcp'])).stdout.trim();
    let body = '';
    for (let i = 0; i < 100 && body !== 'page\n'; i++) {
      body = await fetch(`http://${port}/`).then((res) => res.text(), () => '');
      if (body !== 'page\n') await new Promise((r) => setTimeout(r, 50));
    }
    return body;
  };
  assert.equal(await fetchPage(), 'page\n');
  await e.restart();
  // The namespaces outlive the daemon (held by a `sleep infinity`, like Podman's pause process).
  assert.match(e.log(), /joining the namespaces of the previous daemon/);
  const ps = await e.docker(['ps', '--format', '{{.Names}} {{.Status}}']);
  assert.match(ps.stdout, /^survivor Up/m, ps.stderr + e.log());
  assert.equal((await e.docker(['logs', 'survivor'])).stdout, 'up\n');
  const exec = await e.docker(['exec', 'survivor', 'cat', '/www/index.html']);
  assert.equal(exec.stdout, 'page\n', exec.stderr + e.log());
  // A new slirp4netns serves the same network namespace; the port is forwarded again.
  assert.equal(await fetchPage(), 'page\n', e.log());
  // runc's state is kept under the root, so the new daemon's runc still finds the container.
  const stop = await e.docker(['stop', '-t', '1', 'survivor']);
  assert.equal(stop.code, 0, stop.stderr + e.log());
  assert.equal((await e.docker(['inspect', '-f', '{{.State.Status}}', 'survivor'])).stdout.trim(), 'exited');
  assert.equal((await e.docker(['rm', 'survivor'])).code, 0);
});

test('a daemon that stops with no container running lets its namespaces go; the next one makes new ones', opts, async () => {
  assert.equal((await e.docker(['ps', '-q'])).stdout.trim(), '', 'no container runs now');
  const before = e.log().length;
  await e.restart();
  assert.doesNotMatch(e.log().slice(before), /joining the namespaces/);
  const r = await e.docker(['run', '--rm', 'busybox', 'echo', 'fresh']);
  assert.equal(r.stdout, 'fresh\n', r.stderr + e.log());
});

test('docker cp into and out of a running container', opts, async () => {
  const run = await e.docker(['run', '-d', '--name', 'cpbox', 'busybox', 'sleep', '300']);
  assert.equal(run.code, 0, run.stderr);
  const into = await e.docker(['cp', '-', 'cpbox:/'], { input: await tarOf('copied.txt', 'copied in\n') });
  assert.equal(into.code, 0, into.stderr);
  assert.equal((await e.docker(['exec', 'cpbox', 'cat', '/copied.txt'])).stdout, 'copied in\n');
  const out = await e.docker(['cp', 'cpbox:/copied.txt', '-']);
  assert.match(out.stdout, /copied in/);
  assert.equal((await e.docker(['rm', '-f', 'cpbox'])).code, 0);
});

async function tarOf(name: string, body: string): Promise<Buffer> {
  const tar = await import('tar-stream');
  const pack = tar.pack();
  pack.entry({ name, mode: 0o644 }, body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Push, remove, pull and run through a registry on the host's loopback. */
async function registryRoundTrip(tls: boolean): Promise<void> {
  const found = registryOrSkip();
  if ('skip' in found) {
    if (inCI) assert.fail(`missing prerequisite in CI: ${found.skip}`);
    return;
  }
  const registry = await startLocalRegistry(found.binary, { tls });
  try {
    const name = `${registry.host}/berth/rootless-${tls ? 'tls' : 'http'}:1`;
    assert.equal((await e.docker(['tag', 'busybox:latest', name])).code, 0);
    const push = await e.docker(['push', name]);
    assert.equal(push.code, 0, push.stderr + e.log());
    assert.equal((await e.docker(['rmi', name])).code, 0);
    const pull = await e.docker(['pull', name]);
    assert.equal(pull.code, 0, pull.stderr + e.log());
    const run = await e.docker(['run', '--rm', name, 'echo', 'pulled']);
    assert.equal(run.stdout, 'pulled\n', run.stderr);
  } finally {
    await registry.stop();
  }
}

test('push to and pull from a plain-HTTP registry on the host\'s 127.0.0.1 (relayed by the launcher)', opts, () => registryRoundTrip(false));

test('the same with an HTTPS registry on 127.0.0.1 (self-signed: loopback registries are not checked, as with dockerd)', opts, () => registryRoundTrip(true));

test('a host port already in use fails the start with a clear message', opts, async () => {
  const taken = createServer((_req, res) => res.end());
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  try {
    const port = (taken.address() as { port: number }).port;
    const r = await e.docker(['run', '--rm', '-p', `127.0.0.1:${port}:80`, 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`Bind for 127\\.0\\.0\\.1:${port} failed`));
  } finally {
    taken.close();
  }
  // The failed start left nothing behind: the next container publishes normally.
  const ok = await e.docker(['run', '--rm', '-p', '127.0.0.1::80', 'busybox', 'echo', 'fine']);
  assert.equal(ok.stdout, 'fine\n', ok.stderr);
});
