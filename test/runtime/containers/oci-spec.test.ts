import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpec, resolveArgs, resolveEnv, resolveCapabilities, tmpfsOptions, type SpecInput } from '../../../runtime/tasks/oci-spec.js';
import { ALL_CAPABILITIES, MASKED_PATHS, READONLY_PATHS } from '../../../runtime/tasks/docker-defaults.js';
import { RuntimeError } from '../../../runtime/errdefs.js';
import { resolveUserFrom } from '../../../runtime/tasks/user-resolve.js';
import { TEST_SECURITY } from '../security/test-security.js';

function input(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: 'c1', config: { Cmd: ['echo', 'hi'] }, hostConfig: {}, image: { Env: ['PATH=/bin'] },
    user: { uid: 0, gid: 0, additionalGids: [] }, rootMount: { destination: '/', type: 'overlay', source: 'overlay', options: ['lowerdir=/l/1:/l/0', 'upperdir=/c/upper', 'workdir=/c/work'] },
    etcFiles: { hosts: '/c/hosts', resolvConf: '/c/resolv.conf', hostname: '/c/hostname' },
    network: { mode: 'none' }, hostname: 'abc', mounts: [], cgroupParent: 'berth', security: TEST_SECURITY, ...over,
  };
}

const capMask = (caps: string[]): bigint => caps.reduce((m, c) => m | (1n << BigInt(ALL_CAPABILITIES.indexOf(c))), 0n);

test('default capabilities give Docker CapEff 00000000a80425fb', () => {
  const spec = buildSpec(input());
  assert.equal(capMask(spec.process.capabilities.effective).toString(16).padStart(16, '0'), '00000000a80425fb');
  assert.deepEqual(spec.process.capabilities.inheritable, []);
  assert.equal(spec.process.noNewPrivileges, false, 'no_new_privs is off unless asked for, as with Docker');
});

test('CapAdd, CapDrop, ALL and Privileged', () => {
  assert.ok(resolveCapabilities({ CapAdd: ['NET_ADMIN'] }).includes('CAP_NET_ADMIN'));
  assert.ok(!resolveCapabilities({ CapDrop: ['chown'] }).includes('CAP_CHOWN'));
  assert.deepEqual(resolveCapabilities({ CapDrop: ['ALL'], CapAdd: ['KILL'] }), ['CAP_KILL']);
  assert.equal(resolveCapabilities({ CapAdd: ['ALL'] }).length, ALL_CAPABILITIES.length);
  assert.equal(resolveCapabilities({ Privileged: true }).length, ALL_CAPABILITIES.length);
  assert.throws(() => resolveCapabilities({ CapAdd: ['FLY'] }), /unknown capability/);
  const priv = buildSpec(input({ hostConfig: { Privileged: true } }));
  assert.deepEqual(priv.linux.maskedPaths, []);
  assert.equal(priv.process.noNewPrivileges, false);
});

test('masked and read-only paths as Docker', () => {
  const spec = buildSpec(input());
  assert.deepEqual(spec.linux.maskedPaths, MASKED_PATHS);
  assert.ok(spec.linux.maskedPaths.includes('/proc/kcore'));
  assert.deepEqual(spec.linux.readonlyPaths, READONLY_PATHS);
});

test('namespaces per network mode', () => {
  const types = (s: ReturnType<typeof buildSpec>) => s.linux.namespaces.map((n) => n.type).sort();
  assert.deepEqual(types(buildSpec(input())), ['ipc', 'mount', 'network', 'pid', 'uts']);
  const host = buildSpec(input({ network: { mode: 'host' } }));
  assert.deepEqual(types(host), ['ipc', 'mount', 'pid']);
  assert.equal(host.hostname, undefined);
  const ns = buildSpec(input({ network: { mode: 'netns', path: '/run/netns/x' } }));
  assert.deepEqual(ns.linux.namespaces.find((n) => n.type === 'network'), { type: 'network', path: '/run/netns/x' });
});

test('the snapshotter\'s root mount is the first mount; a root the daemon mounted has none', () => {
  const spec = buildSpec(input());
  assert.deepEqual(spec.mounts[0], { destination: '/', type: 'overlay', source: 'overlay', options: ['lowerdir=/l/1:/l/0', 'upperdir=/c/upper', 'workdir=/c/work'] });
  assert.ok(!buildSpec(input({ rootMount: undefined })).mounts.some((m) => m.destination === '/'));
  assert.equal(spec.root.readonly, false);
  assert.equal(buildSpec(input({ hostConfig: { ReadonlyRootfs: true } })).root.readonly, true);
});

test('default mounts, shm size and etc files', () => {
  const spec = buildSpec(input({ hostConfig: { ShmSize: 1048576 } }));
  const dests = spec.mounts.map((m) => m.destination);
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/resolv.conf', '/etc/hostname']) assert.ok(dests.includes(d), d);
  assert.ok(spec.mounts.find((m) => m.destination === '/dev/shm')!.options.includes('size=1048576'));
  assert.ok(spec.mounts.find((m) => m.destination === '/sys')!.options.includes('ro'));
  assert.equal(spec.mounts.find((m) => m.destination === '/etc/hosts')!.source, '/c/hosts');
});

test('binds, volumes and tmpfs mounts', () => {
  const spec = buildSpec(input({
    hostConfig: { Tmpfs: { '/run': 'size=1m,exec' } },
    mounts: [{ type: 'bind', source: '/data', destination: '/d', readonly: true }, { type: 'tmpfs', source: '', destination: '/t', readonly: false, options: ['size=4096'] }],
  }));
  const run = spec.mounts.find((m) => m.destination === '/run')!;
  assert.deepEqual(run.options, ['nosuid', 'nodev', 'size=1048576']);
  assert.deepEqual(spec.mounts.find((m) => m.destination === '/d')!.options, ['rbind', 'rprivate', 'ro']);
  assert.ok(spec.mounts.find((m) => m.destination === '/t')!.options.includes('size=4096'));
  assert.throws(() => tmpfsOptions('size=lots'), /invalid tmpfs option/);
});

test('resources: memory, swap, cpus, shares, pids', () => {
  const r = buildSpec(input({ hostConfig: { Memory: 64 << 20, NanoCpus: 500_000_000, CpuShares: 512, PidsLimit: 20 } })).linux.resources;
  assert.deepEqual(r.memory, { limit: 64 << 20, swap: 128 << 20 });
  assert.deepEqual(r.cpu, { shares: 512, period: 100000, quota: 50000 });
  assert.deepEqual(r.pids, { limit: 20 });
  assert.equal(buildSpec(input({ hostConfig: { Memory: 64 << 20, MemorySwap: -1 } })).linux.resources.memory!.swap, -1);
  const q = buildSpec(input({ hostConfig: { CpuQuota: 20000, CpuPeriod: 50000 } })).linux.resources.cpu;
  assert.deepEqual(q, { quota: 20000, period: 50000 });
  assert.equal(buildSpec(input()).linux.cgroupsPath, '/berth/c1');
});

test('bad resource values are invalid errors with Docker messages', () => {
  const bad = (hc: SpecInput['hostConfig'], re: RegExp) => assert.throws(() => buildSpec(input({ hostConfig: hc })), (e: unknown) => e instanceof RuntimeError && e.kind === 'invalid' && re.test(e.message));
  bad({ Memory: 1000 }, /Minimum memory limit allowed is 6MB/);
  bad({ Memory: 64 << 20, MemorySwap: 1 << 20 }, /memoryswap/);
  bad({ NanoCpus: 1e9, CpuQuota: 1000 }, /Conflicting options/);
  bad({ Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 5 }] }, /soft limit/);
  bad({ Ulimits: [{ Name: 'bogus', Soft: 1, Hard: 1 }] }, /invalid ulimit/);
});

test('ulimits and sysctls', () => {
  const spec = buildSpec(input({ hostConfig: { Ulimits: [{ Name: 'nofile', Soft: 100, Hard: 200 }], Sysctls: { 'net.ipv4.ip_forward': '1' } } }));
  assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 100, hard: 200 }]);
  assert.deepEqual(spec.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.throws(() => buildSpec(input({ network: { mode: 'host' }, hostConfig: { Sysctls: { 'net.core.somaxconn': '1' } } })), /not allowed/);
});

test('args: entrypoint and cmd as Docker combines them', () => {
  assert.deepEqual(resolveArgs({}, { Entrypoint: ['/e'], Cmd: ['a'] }), ['/e', 'a']);
  assert.deepEqual(resolveArgs({ Cmd: ['b'] }, { Entrypoint: ['/e'], Cmd: ['a'] }), ['/e', 'b']);
  assert.deepEqual(resolveArgs({ Entrypoint: ['x'] }, { Cmd: ['a'] }), ['x']);
  assert.throws(() => resolveArgs({}, {}), /No command specified/);
});

test('init wraps the command with docker-init, or fails clearly without tini', () => {
  const spec = buildSpec(input({ hostConfig: { Init: true }, initBinary: '/usr/bin/docker-init' }));
  assert.deepEqual(spec.process.args, ['/sbin/docker-init', '--', 'echo', 'hi']);
  assert.throws(() => buildSpec(input({ hostConfig: { Init: true } })), /tini/);
});

test('env: HOSTNAME, PATH default, TERM with a TTY, container wins', () => {
  assert.deepEqual(resolveEnv({ Env: ['A=1'] }, { Env: ['A=0', 'B=2'] }, 'h'), ['HOSTNAME=h', 'A=1', 'B=2', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  assert.ok(resolveEnv({ Tty: true }, {}, 'h').includes('TERM=xterm'));
  const spec = buildSpec(input({ config: { Cmd: ['x'], WorkingDir: '/app', Tty: true } }));
  assert.equal(spec.process.cwd, '/app');
  assert.equal(spec.process.terminal, true);
});

test('user resolution from passwd and group', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\napp:x:1000:1000::/home/app:/bin/sh\n';
  const group = 'root:x:0:\nnogroup:x:65534:\napp:x:1000:\nwheel:x:10:app\n';
  assert.deepEqual(resolveUserFrom('app', passwd, group), { uid: 1000, gid: 1000, additionalGids: [10] });
  assert.deepEqual(resolveUserFrom('nobody:wheel', passwd, group), { uid: 65534, gid: 10, additionalGids: [] });
  assert.deepEqual(resolveUserFrom('1234:5', passwd, group), { uid: 1234, gid: 5, additionalGids: [] });
  assert.deepEqual(resolveUserFrom('', undefined, undefined), { uid: 0, gid: 0, additionalGids: [] });
  assert.deepEqual(resolveUserFrom('0', passwd, group, ['wheel', '99']), { uid: 0, gid: 0, additionalGids: [10, 99] });
  assert.throws(() => resolveUserFrom('ghost', passwd, group), /unable to find user ghost/);
  assert.throws(() => resolveUserFrom('app:ghosts', passwd, group), /unable to find group ghosts/);
});
