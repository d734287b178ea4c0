// The test daemons' teardown removes what a daemon left on the host even when its records are gone
// (a daemon killed before it wrote them, a root deleted too early): by its prefix, names matched whole.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { teardownDaemonHost } from '../../helpers/host-teardown.js';
import { requireOrSkip, isRoot } from '../../helpers/prereqs.js';
import { tempDir } from '../../helpers/temp-dir.js';

const haveTools = spawnSync('sh', ['-c', 'command -v ip && command -v iptables'], { stdio: 'ignore' }).status === 0;

test('leftovers without records: namespace, bridge, chains and the rules naming them go; a longer prefix is left alone', async (t) => {
  if (!requireOrSkip(t, isRoot && haveTools, 'root, ip and iptables')) return;
  const prefix = `z${randomBytes(2).toString('hex')}`;
  const other = `${prefix}1`;
  const sh = (cmd: string): void => { execFileSync('sh', ['-c', cmd]); };
  const present = (cmd: string): boolean => spawnSync('sh', ['-c', cmd], { stdio: 'ignore' }).status === 0;
  try {
    sh(`ip netns add ${prefix}-0123456789ab && ip link add ${prefix}0 type bridge && ip link add ${other}0 type bridge`);
    sh(`iptables -w -t nat -N ${prefix.toUpperCase()} && iptables -w -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j ${prefix.toUpperCase()}`);
    sh(`iptables -w -t nat -A POSTROUTING -s 10.254.0.0/16 ! -o ${prefix}0 -j MASQUERADE`);
    sh(`iptables -w -t nat -N ${other.toUpperCase()}`);
    await teardownDaemonHost(tempDir('berth-teardown-'), prefix);
    assert.ok(!existsSync(`/run/netns/${prefix}-0123456789ab`));
    assert.ok(!existsSync(`/sys/class/net/${prefix}0`));
    assert.ok(!present(`iptables -w -t nat -S ${prefix.toUpperCase()}`));
    assert.ok(!present(`iptables -w -t nat -C POSTROUTING -s 10.254.0.0/16 ! -o ${prefix}0 -j MASQUERADE`));
    assert.ok(existsSync(`/sys/class/net/${other}0`), 'another prefix that begins the same stays');
    assert.ok(present(`iptables -w -t nat -S ${other.toUpperCase()}`));
  } finally {
    spawnSync('sh', ['-c', `ip link del ${other}0; iptables -w -t nat -X ${other.toUpperCase()}; ip netns del ${prefix}-0123456789ab; ip link del ${prefix}0; iptables -w -t nat -D OUTPUT -m addrtype --dst-type LOCAL -j ${prefix.toUpperCase()}; iptables -w -t nat -D POSTROUTING -s 10.254.0.0/16 ! -o ${prefix}0 -j MASQUERADE; iptables -w -t nat -X ${prefix.toUpperCase()}`], { stdio: 'ignore' });
  }
});

test('leftover cgroup folders of the prefix go, nested ones first, on a v1 and on a unified (v2) host', async (t) => {
  if (!requireOrSkip(t, isRoot && existsSync('/sys/fs/cgroup'), 'root and /sys/fs/cgroup')) return;
  const prefix = `z${randomBytes(2).toString('hex')}`;
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  // v1: one hierarchy is enough (memory, else the first mounted one); v2: the one tree.
  const base = v2 ? '/sys/fs/cgroup' : ['memory', 'pids', 'cpu,cpuacct'].map((c) => join('/sys/fs/cgroup', c)).find((d) => existsSync(join(d, 'cgroup.procs')));
  if (!requireOrSkip(t, base !== undefined, 'a mounted cgroup hierarchy')) return;
  const parent = join(base!, prefix);
  try {
    mkdirSync(join(parent, 'c0123456789ab', 'inner'), { recursive: true });
    mkdirSync(join(parent, 'cba9876543210'));
    await teardownDaemonHost(tempDir('berth-teardown-'), prefix);
    assert.ok(!existsSync(parent), `${parent} is removed`);
  } finally {
    for (const d of [join(parent, 'c0123456789ab', 'inner'), join(parent, 'c0123456789ab'), join(parent, 'cba9876543210'), parent]) {
      try { rmdirSync(d); } catch { /* gone */ }
    }
  }
});
