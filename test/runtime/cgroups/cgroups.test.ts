// runtime/cgroups against fake trees: counters and `docker stats` numbers from v2 (and v1) files,
// OOM kills from memory.events, freezer state, the three drivers' paths, the default driver, and
// delegation checks for a rootless daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIoStat, readV2Counters, v2Frozen, v2OomKills } from '../../../runtime/cgroups/v2-files.js';
import { readV1Counters } from '../../../runtime/cgroups/v1-files.js';
import { sliceFolder, V1Cgroupfs, V2Cgroupfs, V2Systemd } from '../../../runtime/cgroups/driver.js';
import { oomKillsIn, watchOomKills } from '../../../runtime/cgroups/oom.js';
import { cgroupDriver, cgroupLimitsApply, chooseDriverName, defaultDriverName, parseDriverName } from '../../../runtime/cgroups/select.js';
import { checkDelegation, claimDelegation, ownCgroup } from '../../../runtime/cgroups/delegation.js';
import { runtimeWithFlags } from '../../../runtime/cgroups/runtime-flags.js';
import { probeCgroupHost } from '../../../runtime/cgroups/host.js';
import { sampleStats } from '../../../runtime/containers/stats.js';
import { fakeTree, V2_FILES } from './v2-tree.js';

const ID = 'c0ffee'.padEnd(64, '0');

test('v2 counters: cpu.stat microseconds become nanoseconds, memory and pids as the files say', async () => {
  const t = fakeTree();
  try {
    const dir = t.dir('berth/c1', V2_FILES);
    const c = await readV2Counters(dir);
    assert.deepEqual(c.cpu, { totalNs: 2_500_000_000, userNs: 2_000_000_000, systemNs: 500_000_000, periods: 40, throttledPeriods: 7, throttledNs: 350_000_000 });
    assert.equal(c.memory.usage, 10485760);
    assert.equal(c.memory.limit, 67108864);
    assert.equal(c.memory.stats.inactive_file, 3145728);
    assert.deepEqual(c.pids, { current: 3, limit: 64 });
    assert.deepEqual(c.io.slice(0, 2), [{ major: 254, minor: 0, op: 'read', value: 8192 }, { major: 254, minor: 0, op: 'write', value: 4096 }]);
    writeFileSync(join(dir, 'memory.max'), 'max\n');
    writeFileSync(join(dir, 'pids.max'), 'max\n');
    const open = await readV2Counters(dir);
    assert.equal(open.memory.limit, undefined, '"max" is no limit');
    assert.equal(open.pids.limit, undefined);
  } finally { t.dispose(); }
});

test('docker stats from a v2 cgroupfs container: the CLI\'s inputs match the files', async () => {
  const t = fakeTree();
  try {
    t.dir(`berth/${ID}`, V2_FILES);
    const s = await sampleStats({ id: ID, name: '/web', pid: 0, cgroup: new V2Cgroupfs('berth', t.root) });
    assert.equal(s.cpu_stats.cpu_usage.total_usage, 2_500_000_000);
    assert.equal(s.cpu_stats.cpu_usage.usage_in_usermode, 2_000_000_000);
    assert.equal(s.cpu_stats.cpu_usage.percpu_usage, undefined, 'v2 has no per-CPU usage');
    assert.deepEqual(s.cpu_stats.throttling_data, { periods: 40, throttled_periods: 7, throttled_time: 350_000_000 });
    assert.ok((s.cpu_stats.system_cpu_usage ?? 0) > 0);
    // The CLI shows usage minus inactive_file: 10 MiB - 3 MiB = 7 MiB of 64 MiB.
    assert.equal(s.memory_stats.usage! - s.memory_stats.stats!.inactive_file, 7 * 1024 * 1024);
    assert.equal(s.memory_stats.limit, 64 * 1024 * 1024);
    assert.equal(s.memory_stats.max_usage, undefined);
    assert.deepEqual(s.pids_stats, { current: 3, limit: 64 });
    assert.equal(s.blkio_stats.io_service_bytes_recursive?.length, 4);
    const json = JSON.parse(JSON.stringify(s)) as { memory_stats: Record<string, unknown> };
    assert.ok(!('failcnt' in json.memory_stats), 'v1-only fields are left out, as dockerd does on v2');
  } finally { t.dispose(); }
});

test('docker stats with no memory limit reports the host\'s memory as the limit', async () => {
  const t = fakeTree();
  try {
    t.dir(`berth/${ID}`, { ...V2_FILES, 'memory.max': 'max\n' });
    const s = await sampleStats({ id: ID, name: '/web', pid: 0, cgroup: new V2Cgroupfs('berth', t.root) });
    const total = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) * 1024;
    assert.equal(s.memory_stats.limit, total);
  } finally { t.dispose(); }
});

test('v1 counters are read as before the move (per-controller folders)', async () => {
  const t = fakeTree();
  try {
    t.dir('cpuacct/berth/c1', { 'cpuacct.usage': '123456789\n', 'cpuacct.usage_percpu': '100000000 23456789 \n', 'cpuacct.stat': 'user 10\nsystem 5\n' });
    t.dir('cpu/berth/c1', { 'cpu.stat': 'nr_periods 4\nnr_throttled 1\nthrottled_time 999\n' });
    t.dir('memory/berth/c1', { 'memory.usage_in_bytes': '2048\n', 'memory.max_usage_in_bytes': '4096\n', 'memory.limit_in_bytes': '9223372036854771712\n', 'memory.failcnt': '0\n', 'memory.stat': 'total_inactive_file 1024\n', 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n' });
    t.dir('pids/berth/c1', { 'pids.current': '1\n', 'pids.max': 'max\n' });
    t.dir('blkio/berth/c1', { 'blkio.throttle.io_service_bytes_recursive': '8:0 Read 100\n8:0 Write 50\nTotal 150\n' });
    const c = await readV1Counters(t.root, 'berth/c1');
    assert.equal(c.cpu.totalNs, 123456789);
    assert.deepEqual(c.cpu.percpuNs, [100000000, 23456789]);
    assert.equal(c.cpu.userNs, 100_000_000);
    assert.equal(c.memory.limit, undefined, 'the page-rounded LLONG_MAX is no limit');
    assert.equal(c.memory.maxUsage, 4096);
    assert.deepEqual(c.io, [{ major: 8, minor: 0, op: 'read', value: 100 }, { major: 8, minor: 0, op: 'write', value: 50 }]);
    assert.equal(new V1Cgroupfs('berth', t.root).oomKills('c1'), 2);
  } finally { t.dispose(); }
});

test('OOM kills: memory.events (v2), memory.oom_control (v1), and a watch that outlives the folder', async () => {
  assert.equal(v2OomKills(V2_FILES['memory.events']), 1);
  assert.equal(v2OomKills('low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n'), 0);
  assert.equal(v2OomKills(undefined), 0);
  const t = fakeTree();
  try {
    const dir = t.dir('system.slice/berth-c1.scope', { 'memory.events': 'oom 0\noom_kill 0\n' });
    assert.equal(oomKillsIn(dir), 0);
    const w = watchOomKills(dir);
    writeFileSync(join(dir, 'memory.events'), 'oom 1\noom_kill 1\n');
    await new Promise((r) => setTimeout(r, 100));
    // systemd removes an empty transient scope as soon as the last process is gone.
    rmSync(dir, { recursive: true, force: true });
    assert.equal(w.killed(), true, 'the kill seen while the folder existed is kept');
    w.close();
    const v1 = t.dir('memory/berth/c2', { 'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n' });
    assert.equal(oomKillsIn(v1), 0);
    assert.equal(watchOomKills(v1).killed(), false);
    assert.equal(oomKillsIn(join(t.root, 'missing')), undefined);
  } finally { t.dispose(); }
});

test('freezer state: cgroup.events frozen 1 (v2), freezer.state FROZEN (v1)', () => {
  assert.equal(v2Frozen('populated 1\nfrozen 1\n'), true);
  assert.equal(v2Frozen('populated 1\nfrozen 0\n'), false);
  const t = fakeTree();
  try {
    t.dir('berth/c1', { 'cgroup.events': 'populated 1\nfrozen 1\n' });
    assert.equal(new V2Cgroupfs('berth', t.root).frozen('c1'), true);
    t.dir('freezer/berth/c1', { 'freezer.state': 'FROZEN\n' });
    assert.equal(new V1Cgroupfs('berth', t.root).frozen('c1'), true);
    assert.equal(new V2Cgroupfs('berth', t.root).frozen('gone'), undefined, 'unknown, not "running"');
  } finally { t.dispose(); }
});

test('paths: v1 and v2 cgroupfs use /<prefix>/<id>, systemd slice:prefix:id in a scope', () => {
  const v1 = new V1Cgroupfs('berth', '/sys/fs/cgroup');
  assert.equal(v1.specPath(ID), `/berth/${ID}`);
  assert.equal(v1.memoryDir(ID), `/sys/fs/cgroup/memory/berth/${ID}`);
  assert.deepEqual([...v1.runtimeFlags], []);
  const v2 = new V2Cgroupfs('b1x2y3');
  assert.equal(v2.specPath(ID), `/b1x2y3/${ID}`);
  assert.equal(v2.memoryDir(ID), `/sys/fs/cgroup/b1x2y3/${ID}`);
  const sd = new V2Systemd('berth');
  assert.equal(sd.specPath(ID), `system.slice:berth:${ID}`);
  assert.equal(sd.memoryDir(ID), `/sys/fs/cgroup/system.slice/berth-${ID}.scope`);
  assert.deepEqual([...sd.runtimeFlags], ['--systemd-cgroup']);
  assert.equal(sd.name, 'systemd');
  const nested = new V2Systemd('berth', 'machine-berth.slice');
  assert.equal(nested.memoryDir('x'), '/sys/fs/cgroup/machine.slice/machine-berth.slice/berth-x.scope');
  // A rootless daemon's delegated folder is the parent.
  const delegated = new V2Cgroupfs('user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope');
  assert.equal(delegated.specPath('c'), '/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope/c');
});

test('slice names nest by their dashes, as systemd lays them out', () => {
  assert.equal(sliceFolder('system.slice'), 'system.slice');
  assert.equal(sliceFolder('a-b-c.slice'), 'a.slice/a-b.slice/a-b-c.slice');
  assert.equal(sliceFolder('-.slice'), '');
  assert.throws(() => sliceFolder('system'), /not a systemd slice name/);
  assert.throws(() => sliceFolder('a--b.slice'), /empty part/);
});

test('default driver as dockerd: systemd only on a unified host run by systemd', () => {
  assert.equal(defaultDriverName({ version: 2, systemd: true }), 'systemd');
  assert.equal(defaultDriverName({ version: 2, systemd: false }), 'cgroupfs');
  assert.equal(defaultDriverName({ version: 1, systemd: true }), 'cgroupfs');
  assert.equal(chooseDriverName('cgroupfs', { version: 2, systemd: true }, false), 'cgroupfs');
  assert.equal(chooseDriverName(undefined, { version: 2, systemd: true }, true), 'cgroupfs', 'rootless: its delegated cgroup');
  assert.throws(() => chooseDriverName('systemd', { version: 1, systemd: true }, false), /cgroup v1 controllers.*unified/);
  assert.throws(() => chooseDriverName('systemd', { version: 2, systemd: false }, false), /systemd is not running/);
  assert.throws(() => chooseDriverName('systemd', { version: 2, systemd: true }, true), /rootless/);
  assert.throws(() => parseDriverName('cgroupv2'), /use systemd or cgroupfs/);
});

test('host probe: v2 when cgroup.controllers is at the root, systemd when /run/systemd/system exists', () => {
  const t = fakeTree();
  try {
    t.dir('cg', { 'cgroup.controllers': 'cpu memory pids\n' });
    t.dir('run/systemd/system', {});
    assert.deepEqual(probeCgroupHost(join(t.root, 'cg'), join(t.root, 'run/systemd/system')), { version: 2, systemd: true });
    t.dir('v1/memory', {});
    assert.deepEqual(probeCgroupHost(join(t.root, 'v1'), join(t.root, 'nowhere')), { version: 1, systemd: false });
  } finally { t.dispose(); }
});

test('delegation: the own cgroup with memory, cpu and pids is taken; otherwise the reason', () => {
  assert.equal(ownCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope\n'), 'user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope');
  assert.equal(ownCgroup('12:memory:/x\n'), undefined);
  const t = fakeTree();
  try {
    const scope = 'user.slice/user-1000.slice/user@1000.service/app.slice/run-r1.scope';
    t.dir('', { 'cgroup.controllers': 'cpuset cpu io memory pids\n' });
    t.dir(scope, { 'cgroup.controllers': 'cpu memory pids\n', 'cgroup.procs': '', 'cgroup.subtree_control': '\n' });
    const ok = checkDelegation(t.root, `0::/${scope}\n`);
    assert.deepEqual(ok, { ok: true, base: scope, controllers: ['cpu', 'memory', 'pids'] });
    // A daemon restarted in the leaf of the previous one divides the same folder.
    assert.deepEqual(checkDelegation(t.root, `0::/${scope}/berthd\n`), ok);
    claimDelegation(scope, ['cpu', 'memory', 'pids'], t.root);
    assert.equal(readFileSync(join(t.root, scope, 'cgroup.subtree_control'), 'utf8'), '+cpu +memory +pids');
    t.dir('user.slice/user-1000.slice/session-3.scope', { 'cgroup.controllers': 'memory pids\n' });
    const no = checkDelegation(t.root, '0::/user.slice/user-1000.slice/session-3.scope\n');
    assert.equal(no.ok, false);
    assert.match(!no.ok ? no.why : '', /no cpu controller delegated.*systemd-run --user --scope/);
    const v1 = fakeTree();
    try {
      assert.match((checkDelegation(v1.root, '0::/\n') as { why: string }).why, /cgroup v1/);
    } finally { v1.dispose(); }
  } finally { t.dispose(); }
});

test('the systemd driver reaches runc through a wrapper that keeps runc\'s name', () => {
  const t = fakeTree();
  try {
    assert.equal(runtimeWithFlags('/usr/sbin/runc', [], t.root), '/usr/sbin/runc');
    const w = runtimeWithFlags('/usr/sbin/runc', ['--systemd-cgroup'], join(t.root, 'w'));
    assert.equal(w, join(t.root, 'w', 'runc'));
    assert.equal(readFileSync(w, 'utf8'), "#!/bin/sh\nexec '/usr/sbin/runc' '--systemd-cgroup' \"$@\"\n");
  } finally { t.dispose(); }
});

test('io.stat lines without a device are skipped', () => {
  assert.deepEqual(parseIoStat('garbage\n\n'), []);
});

test('without a daemon\'s choice the spec path is cgroupfs\'s on every host (buildSpec stays pure); the choice comes from the mode value, not the environment', () => {
  assert.equal(cgroupDriver('berth').specPath('c1'), '/berth/c1');
  assert.equal(cgroupDriver('berth', { cgroupDriver: 'cgroupfs' }).specPath('c1'), '/berth/c1');
  const saved = process.env.BERTH_CGROUP_DRIVER;
  process.env.BERTH_CGROUP_DRIVER = 'systemd';
  try {
    assert.equal(cgroupDriver('berth-env').specPath('c1'), '/berth-env/c1');
  } finally {
    if (saved === undefined) delete process.env.BERTH_CGROUP_DRIVER;
    else process.env.BERTH_CGROUP_DRIVER = saved;
  }
  assert.equal(cgroupLimitsApply({ cgroupDriver: 'cgroupfs' }), true);
  assert.equal(cgroupLimitsApply({ cgroupDriver: 'cgroupfs', rootless: {} }), false);
  assert.equal(cgroupLimitsApply({ cgroupDriver: 'cgroupfs', rootless: {}, cgroupDelegated: 'user.slice/x' }), true);
});
