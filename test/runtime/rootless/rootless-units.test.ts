// The pure parts of rootless mode: subordinate id maps, the prerequisite check, the spec changes,
// the limit warnings and the runc wrapper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapArgs, parseSubIds } from '../../../runtime/rootless/id-ranges.js';
import { planRootless, withSystemDirs, type HostFacts } from '../../../runtime/rootless/prerequisites.js';
import { rootlessLimitWarnings, rootlessSpec } from '../../../runtime/rootless/rootless-spec.js';
import { rootlessMode, ROOTLESS_ENV, type RootlessMode } from '../../../runtime/rootless/mode.js';
import { rootlessRuntime } from '../../../runtime/rootless/runtime-wrapper.js';
import { buildSpec, type OciSpec, type SpecInput } from '../../../runtime/tasks/oci-spec.js';
import { rewriteHeader } from '../../../runtime/builder/fs/upper-tar.js';
import { withProcessCounters } from '../../../runtime/rootless/process-stats.js';
import { stoppedStats } from '../../../runtime/containers/stats.js';
import { connectThroughLoopbackProxy, isLoopbackHost, serveLoopbackProxy } from '../../../runtime/rootless/loopback-proxy.js';
import { createServer } from 'node:net';
import { TEST_SECURITY } from '../security/test-security.js';
import { innerArgs } from '../../../runtime/rootless/launch.js';
import { parseArgs, type DaemonOptions } from '../../../runtime/daemon/options.js';

test('subordinate ids: matched by name or uid, comments and bad lines skipped', () => {
  const text = '# c\nalice:100000:65536\nbob:200000:1000\n1002:300000:10\nalice:bad:1\nalice:500000:0\nalice:400000:5\n';
  assert.deepEqual(parseSubIds(text, { name: 'alice', id: 1001 }), [{ start: 100000, count: 65536 }, { start: 400000, count: 5 }]);
  assert.deepEqual(parseSubIds(text, { name: 'carol', id: 1002 }), [{ start: 300000, count: 10 }]);
  assert.deepEqual(parseSubIds(text, { name: 'dave', id: 1003 }), []);
});

test('id map: own id to 0, ranges from 1 on', () => {
  assert.deepEqual(mapArgs(1001, [{ start: 100000, count: 65536 }, { start: 400000, count: 5 }]),
    ['0', '1001', '1', '1', '100000', '65536', '65537', '400000', '5']);
});

function host(files: Record<string, string>, tools: string[]): HostFacts {
  return { readFile: (p) => files[p], which: (n) => (tools.includes(n) ? `/usr/bin/${n}` : undefined) };
}
const ALL_TOOLS = ['unshare', 'newuidmap', 'newgidmap', 'slirp4netns', 'runc'];
const user = { uid: 1001, gid: 1001, name: 'alice' };

test('prerequisites: everything present means no errors and no warnings', () => {
  const p = planRootless(user, host({ '/etc/subuid': 'alice:100000:65536\n', '/etc/subgid': 'alice:100000:65536\n' }, ALL_TOOLS));
  assert.deepEqual(p.errors, []);
  assert.deepEqual(p.warnings, []);
});

test('prerequisites: ranges without newuidmap is an error naming the package', () => {
  const p = planRootless(user, host({ '/etc/subuid': 'alice:100000:65536\n', '/etc/subgid': 'alice:100000:65536\n' }, ['unshare', 'runc', 'slirp4netns']));
  assert.match(p.errors.join('\n'), /apt-get install uidmap/);
});

test('prerequisites: no ranges is a warning with the usermod command; no slirp4netns a warning', () => {
  const p = planRootless(user, host({}, ['unshare', 'runc']));
  assert.deepEqual(p.errors, []);
  assert.match(p.warnings.join('\n'), /usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice/);
  assert.match(p.warnings.join('\n'), /apt-get install slirp4netns/);
});

test('prerequisites: missing runc and disabled user namespaces are errors', () => {
  const p = planRootless(user, host({ '/proc/sys/kernel/unprivileged_userns_clone': '0\n' }, ['unshare']));
  assert.match(p.errors.join('\n'), /apt-get install runc/);
  assert.match(p.errors.join('\n'), /unprivileged_userns_clone=1/);
});

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: 'c1', config: { Cmd: ['echo', 'hi'] }, hostConfig: { Memory: 64 << 20, PidsLimit: 10 }, image: {},
    user: { uid: 0, gid: 0, additionalGids: [] }, rootMount: { destination: '/', type: 'overlay', source: 'overlay', options: ['lowerdir=/l/0', 'upperdir=/c/upper', 'workdir=/c/work'] },
    etcFiles: { hosts: '/c/hosts', resolvConf: '/c/resolv.conf', hostname: '/c/hostname' },
    network: { mode: 'none' }, hostname: 'abc', mounts: [], cgroupParent: 'berth', security: TEST_SECURITY, ...over,
  };
}

test('root spec is unchanged without rootless', () => {
  const spec = buildSpec(input());
  assert.equal(spec.linux.resources.memory?.limit, 64 << 20);
  assert.equal(spec.linux.cgroupsPath, '/berth/c1');
});

const rootless = (mode: RootlessMode) => ({ adjust: (spec: OciSpec) => rootlessSpec(spec, mode, false) });

test('rootless spec: no cgroup path, no limits', () => {
  const spec = buildSpec(input(rootless({ singleId: false })));
  assert.equal(spec.linux.cgroupsPath, '');
  assert.equal(spec.linux.resources.memory, undefined);
  assert.equal(spec.linux.resources.pids, undefined);
  assert.ok(spec.mounts.find((m) => m.type === 'devpts')!.options.includes('gid=5'));
});

test('rootless single-id spec: only uid 0, devpts without gid=5', () => {
  const spec = buildSpec(input(rootless({ singleId: true })));
  assert.ok(!spec.mounts.find((m) => m.type === 'devpts')!.options.includes('gid=5'));
  assert.throws(() => buildSpec(input({ ...rootless({ singleId: true }), user: { uid: 1000, gid: 1000, additionalGids: [] } })), /maps only uid 0.*usermod --add-subuids/s);
});

test('limit warnings name each discarded limit', () => {
  const w = rootlessLimitWarnings({ Memory: 1 << 26, NanoCpus: 5e8, PidsLimit: -1, CpuShares: 0 }, false);
  assert.equal(w.length, 2);
  assert.match(w[0], /^memory limit discarded/);
  assert.match(w[1], /^CPU limit/);
  assert.deepEqual(rootlessLimitWarnings({}, false), []);
  assert.deepEqual(rootlessLimitWarnings({ Memory: 1 << 26 }, true), [], 'a delegated cgroup tree applies the limits');
});

test('mode comes from the environment', () => {
  assert.equal(rootlessMode({}), undefined);
  assert.deepEqual(rootlessMode({ [ROOTLESS_ENV]: '{"singleId":true,"slirpApiSocket":"/x","loopbackProxySocket":"/y"}' }),
    { singleId: true, slirpApiSocket: '/x', loopbackProxySocket: '/y', joined: false });
  assert.equal(rootlessMode({ [ROOTLESS_ENV]: '{"singleId":false,"joined":true}' })?.joined, true);
  assert.equal(rootlessMode({ [ROOTLESS_ENV]: 'not json' }), undefined);
});

test('runc wrapper keeps the name runc and adds --rootless true; crun is used as it is', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-wrapper-'));
  try {
    const w = rootlessRuntime('/usr/sbin/runc', dir);
    assert.equal(w, join(dir, 'runc'));
    assert.match(readFileSync(w, 'utf8'), /exec '\/usr\/sbin\/runc' --rootless true "\$@"/);
    assert.equal(statSync(w).mode & 0o111, 0o111);
    assert.equal(rootlessRuntime('/usr/bin/crun', dir), '/usr/bin/crun');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a rootless overlay\'s opaque directory (user.overlay.opaque) becomes .wh..wh..opq in the layer', () => {
  const out = rewriteHeader({ name: './d/', type: 'directory', mode: 0o755, uid: 0, gid: 0, pax: { 'SCHILY.xattr.user.overlay.opaque': 'y' } });
  assert.deepEqual(out.map((h) => h.name), ['d/', 'd/.wh..wh..opq']);
});

test('loopback relay: only loopback hosts count; a relayed connection reaches the host\'s 127.0.0.1', async () => {
  assert.equal(isLoopbackHost('127.0.0.1'), true);
  assert.equal(isLoopbackHost('localhost'), true);
  assert.equal(isLoopbackHost('[::1]'), true);
  assert.equal(isLoopbackHost('registry.example.com'), false);
  assert.equal(isLoopbackHost('10.0.0.1'), false);
  const dir = mkdtempSync(join(tmpdir(), 'berth-relay-'));
  const upstream = createServer((s) => s.end('hello through the relay'));
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const relay = await serveLoopbackProxy(join(dir, 'relay.sock'));
  try {
    const port = (upstream.address() as { port: number }).port;
    const s = connectThroughLoopbackProxy(join(dir, 'relay.sock'), '127.0.0.1', port);
    let text = '';
    for await (const c of s) text += String(c);
    assert.equal(text, 'hello through the relay');
    // A host that is not loopback is refused: the connection just closes.
    const refused = connectThroughLoopbackProxy(join(dir, 'relay.sock'), '192.0.2.1', 80);
    let got = '';
    for await (const c of refused) got += String(c);
    assert.equal(got, '');
  } finally {
    relay.close();
    upstream.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stats without a cgroup: counters summed from /proc for the given processes', async () => {
  const s = await withProcessCounters(stoppedStats('id', '/name'), [process.pid, 999_999_999]);
  assert.equal(s.pids_stats.current, 1, 'a pid that does not exist is skipped');
  assert.ok((s.memory_stats.usage ?? 0) > 1 << 20, 'this process uses more than 1 MiB');
  assert.ok(s.cpu_stats.cpu_usage.total_usage > 0);
  assert.equal(s.cpu_stats.cpu_usage.total_usage, s.cpu_stats.cpu_usage.usage_in_usermode + s.cpu_stats.cpu_usage.usage_in_kernelmode);
});

test('PATH for the daemon in its namespace: a Debian user\'s PATH gets the sbin folders (iptables, runc), nothing twice', () => {
  assert.equal(withSystemDirs('/usr/local/bin:/usr/bin:/bin:/usr/games'), '/usr/local/bin:/usr/bin:/bin:/usr/games:/usr/local/sbin:/usr/sbin:/sbin');
  assert.equal(withSystemDirs('/usr/sbin:/usr/bin:/sbin:/bin'), '/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin');
  assert.equal(withSystemDirs(undefined), '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin');
});

test('namespace holder: found only when it is a sleep of this user in another user namespace; stopped by pid file', async () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-holder-'));
  try {
    const { findHolder, holderPidFile, startHolder, stopHolder } = await import('../../../runtime/rootless/namespace-holder.js');
    const uid = process.getuid!();
    assert.equal(findHolder(root, uid), undefined, 'no pid file');
    mkdirSync(join(root, 'run'));
    writeFileSync(holderPidFile(root), `${process.pid}\n`);
    assert.equal(findHolder(root, uid), undefined, 'not a sleep');
    writeFileSync(holderPidFile(root), 'garbage\n');
    assert.equal(findHolder(root, uid), undefined, 'not a pid');
    // Started here, it shares our user namespace: nothing to join.
    const pid = startHolder(root)!;
    assert.ok(pid > 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), 'sleep');
    assert.equal(findHolder(root, uid), undefined, 'same user namespace');
    stopHolder(root);
    assert.ok(!existsSync(holderPidFile(root)));
    await new Promise((r) => setTimeout(r, 100));
    const state = (() => { try { return /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]; } catch { return 'gone'; } })();
    assert.ok(state === 'gone' || state === 'Z', `the holder is killed (state ${state})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the daemon inside the namespaces gets every option of the launcher\'s command line', () => {
  const given: DaemonOptions = {
    socket: '/run/user/1000/berth/engine.sock', root: '/home/u/.local/share/berth', ociRuntime: '/usr/bin/crun', netPrefix: 'bx1',
    storageDriver: 'fuse-overlayfs', seccompProfile: '/etc/berth/seccomp.json', userns: 'host', allowInsecureEntitlements: ['security.insecure'],
    configFile: '/home/u/.config/berth/daemon.json', insecureRegistries: ['reg.local:5000', '10.0.0.0/8'], registryMirrors: ['https://mirror.example'],
    registryCertsDir: '/home/u/.config/docker/certs.d', cgroupDriver: 'cgroupfs',
  };
  const argv = innerArgs(given);
  for (const flag of ['--seccomp-profile', '--userns', '--allow-insecure-entitlement', '--cgroup-driver', '--storage-driver', '--config-file', '--registry-certs-dir']) {
    assert.ok(argv.includes(flag), `${flag} in ${argv.join(' ')}`);
  }
  assert.deepEqual(parseArgs(argv, { socket: '/run/berth/engine.sock', root: '/var/lib/berth' }), { help: false, options: given });
  assert.deepEqual(innerArgs({ socket: '/s', root: '/r' }), ['--socket', '/s', '--root', '/r']);
});
