import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../../runtime/daemon/options.js';
import { securityReport } from '../../../runtime/security/security-info.js';
import { buildSpec, type SpecInput } from '../../../runtime/tasks/oci-spec.js';
import { allocateIdMap, FIXED_POOL, idPool, RANGE_SIZE } from '../../../runtime/userns/id-pool.js';
import { checkUsernsConflicts, usernsUnsupported, wantsOwnUserns } from '../../../runtime/userns/userns-mode.js';
import { TEST_SECURITY } from '../security/test-security.js';

test('the pool: the ranges of "containers" when /etc/subuid and /etc/subgid both have some, else the reserved ids minus everyone\'s ranges', () => {
  const podman = idPool('containers:2147483647:131072\nalice:100000:65536\n', 'containers:2147483647:131072\n');
  assert.deepEqual(podman.uids, [{ start: 2147483647, count: 131072 }]);
  assert.deepEqual(podman.avoid, []);
  const onlyUids = idPool('containers:2147483647:131072\n', '');
  assert.deepEqual(onlyUids.uids, [FIXED_POOL]);
  const fixed = idPool(`alice:100000:65536\nbob:${FIXED_POOL.start}:10\n`, '# comment\ncarol:200000:65536\n');
  assert.deepEqual(fixed.avoid, [{ start: 100000, count: 65536 }, { start: FIXED_POOL.start, count: 10 }, { start: 200000, count: 65536 }]);
  // bob's ten ids sit in the first slot: the first range handed out is the second slot.
  assert.deepEqual(allocateIdMap(fixed, []), { uid: FIXED_POOL.start + RANGE_SIZE, gid: FIXED_POOL.start + RANGE_SIZE, size: RANGE_SIZE });
});

test('allocation takes the first range no container holds, and a freed range again', () => {
  const pool = idPool('containers:100000:196608\n', 'containers:500000:196608\n');
  const a = allocateIdMap(pool, []);
  assert.deepEqual(a, { uid: 100000, gid: 500000, size: RANGE_SIZE });
  const b = allocateIdMap(pool, [a]);
  assert.deepEqual(b, { uid: 165536, gid: 565536, size: RANGE_SIZE });
  const c = allocateIdMap(pool, [a, b]);
  assert.equal(c.uid, 231072);
  assert.throws(() => allocateIdMap(pool, [a, b, c]), /no free range of 65536 ids is left.*"containers" in \/etc\/subuid/);
  assert.deepEqual(allocateIdMap(pool, [b, c]), a, 'a removed container\'s range is free again');
});

test('UsernsMode: "" follows the daemon, host and auto are kept, anything else is a 400 naming it', () => {
  assert.equal(wantsOwnUserns({}, 'host'), false);
  assert.equal(wantsOwnUserns({ UsernsMode: '' }, 'auto'), true);
  assert.equal(wantsOwnUserns({ UsernsMode: 'host' }, 'auto'), false);
  assert.equal(wantsOwnUserns({ UsernsMode: 'auto' }, 'host'), true);
  assert.throws(() => wantsOwnUserns({ UsernsMode: 'keep-id' }, 'host'), /UsernsMode "keep-id" is not supported.*"keep-id" is Podman's/);
  assert.throws(() => wantsOwnUserns({ UsernsMode: 'auto:size=1024' }, 'host'), /UsernsMode "auto:size=1024" is not supported/);
});

test("Docker's userns-remap conflicts are refused with its messages; a rootless daemon cannot", () => {
  const support = { default: 'auto' as const };
  assert.throws(() => checkUsernsConflicts({ Privileged: true }, support), /privileged mode is incompatible with user namespaces/);
  assert.throws(() => checkUsernsConflicts({ NetworkMode: 'host' }, support), /cannot share the host's network namespace/);
  assert.throws(() => checkUsernsConflicts({ PidMode: 'host' }, support), /cannot share the host PID namespace/);
  checkUsernsConflicts({ NetworkMode: 'none', CapAdd: ['NET_ADMIN'] }, support);
  assert.match(usernsUnsupported(true)!, /rootless daemon's containers share its user namespace/);
  assert.throws(() => checkUsernsConflicts({}, { default: 'host', unsupported: 'x' }), /UsernsMode "auto" is not available: x/);
});

test('--userns auto|host', () => {
  const defaults = { socket: '/s', root: '/r' };
  const p = parseArgs(['--userns', 'auto'], defaults);
  assert.equal(!p.help && p.options.userns, 'auto');
  assert.throws(() => parseArgs(['--userns', 'keep-id'], defaults), /--userns "keep-id": use auto or host/);
});

test('the spec joins the container\'s user namespace by path and carries its maps', () => {
  const input: SpecInput = {
    id: 'c1', config: { Cmd: ['true'] }, hostConfig: {}, image: {}, user: { uid: 0, gid: 0, additionalGids: [] },
    etcFiles: { hosts: '/h', resolvConf: '/r', hostname: '/n' }, network: { mode: 'netns', path: '/run/netns/x' }, hostname: 'c1',
    mounts: [], cgroupParent: 'berth', security: TEST_SECURITY, idMap: { uid: 1000000000, gid: 1000065536, size: 65536, path: '/root/run/userns/c1' },
  };
  const spec = buildSpec(input);
  assert.deepEqual(spec.linux.namespaces.find((n) => n.type === 'user'), { type: 'user', path: '/root/run/userns/c1' });
  assert.deepEqual(spec.linux.uidMappings, [{ containerID: 0, hostID: 1000000000, size: 65536 }]);
  assert.deepEqual(spec.linux.gidMappings, [{ containerID: 0, hostID: 1000065536, size: 65536 }]);
  assert.ok(!spec.mounts.some((m) => m.destination === '/'), 'the daemon mounts the root');
  const plain = buildSpec({ ...input, idMap: undefined });
  assert.equal(plain.linux.uidMappings, undefined);
  assert.ok(!plain.linux.namespaces.some((n) => n.type === 'user'));
});

test('docker info: name=userns when containers get their own user namespace by default', () => {
  assert.deepEqual(securityReport({ context: TEST_SECURITY, rootless: false, cgroupLimits: true, userns: true }).SecurityOptions, ['name=seccomp,profile=default', 'name=userns']);
  assert.deepEqual(securityReport({ context: TEST_SECURITY, rootless: false, cgroupLimits: true }).SecurityOptions, ['name=seccomp,profile=default']);
});
