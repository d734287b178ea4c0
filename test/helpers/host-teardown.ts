// What a test daemon leaves on the host after its containers are gone: the bridges and iptables
// rules of its networks and its cgroup parents, all named by its network prefix.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NetworkService } from '../../runtime/network/network-service.js';

const run = promisify(execFile);

export async function teardownDaemonHost(root: string, prefix: string): Promise<void> {
  const networks = new NetworkService(root, () => undefined, prefix);
  try {
    await networks.init();
    await networks.teardownAll();
  } catch (err) {
    // Said, not swallowed: a teardown that fails here is a bug to find (the sweep below still cleans).
    process.stderr.write(`teardown of daemon prefix ${prefix}: ${(err as Error).message}\n`);
  }
  await sweepPrefix(prefix);
  for (const dir of cgroupParents(prefix)) removeCgroupTree(dir);
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * The daemon's cgroup parents (cgroupfs driver, runtime/cgroups/driver.ts): on a unified (v2) host one,
 * /sys/fs/cgroup/PREFIX; on v1 (and hybrid) hosts one per controller hierarchy, /sys/fs/cgroup/CTRL/PREFIX.
 * (The systemd driver's scopes, system.slice/PREFIX-ID.scope, systemd removes itself once empty.)
 */
function cgroupParents(prefix: string): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const v2 = existsSync(join(CGROUP_ROOT, 'cgroup.controllers'));
  const dirs = v2 ? [join(CGROUP_ROOT, prefix)] : readdirSync(CGROUP_ROOT).map((ctrl) => join(CGROUP_ROOT, ctrl, prefix));
  return dirs.filter((d) => existsSync(d));
}

/** Removes a cgroup and the ones below it, deepest first (a cgroup folder goes only with rmdir, once empty). */
function removeCgroupTree(dir: string): void {
  let subs: string[] = [];
  try {
    subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch { /* gone */ }
  for (const sub of subs) removeCgroupTree(sub);
  try { rmdirSync(dir); } catch { /* still busy, or gone */ }
}

/**
 * Whatever still carries the prefix once the daemon's own records were torn down: namespaces
 * `PREFIX-<id>` (their veths go with them), the default bridge `PREFIX0`, the iptables chains
 * `PREFIX`, `PREFIX-FORWARD`, `-ISOLATION`, `-LOCALNET` and the rules that jump to them or name that
 * bridge. Names are matched whole: one random prefix may begin another (`tu87c`, `tu87c1`).
 * Reported when found: each one is a leak of the daemon or of its test.
 */
async function sweepPrefix(prefix: string): Promise<void> {
  const found: string[] = [];
  const namespaces = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(`${prefix}-`)) : [];
  for (const ns of namespaces) {
    found.push(`netns ${ns}`);
    await run('ip', ['netns', 'del', ns]).catch(() => undefined);
  }
  const bridge = `${prefix}0`;
  if (existsSync(`/sys/class/net/${bridge}`)) {
    found.push(`bridge ${bridge}`);
    await run('ip', ['link', 'del', bridge]).catch(() => undefined);
  }
  const chain = prefix.toUpperCase();
  const chains = new Set([chain, `${chain}-FORWARD`, `${chain}-ISOLATION`, `${chain}-LOCALNET`]);
  const ours = (word: string): boolean => chains.has(word) || word === bridge;
  for (const table of ['nat', 'filter', 'raw']) {
    let rules: string;
    try {
      rules = (await run('iptables', ['-w', '-t', table, '-S'])).stdout;
    } catch {
      return; // no iptables here
    }
    const lines = rules.split('\n');
    for (const line of lines) {
      const words = line.split(' ');
      if (words[0] !== '-A' || chains.has(words[1]) || !words.slice(2).some(ours)) continue;
      found.push(`iptables -t ${table} ${line}`);
      await run('iptables', ['-w', '-t', table, '-D', ...words.slice(1)]).catch(() => undefined);
    }
    const left = lines.filter((l) => l.startsWith('-N ') && chains.has(l.slice(3)));
    for (const l of left) await run('iptables', ['-w', '-t', table, '-F', l.slice(3)]).catch(() => undefined);
    for (const l of left) {
      found.push(`iptables -t ${table} chain ${l.slice(3)}`);
      await run('iptables', ['-w', '-t', table, '-X', l.slice(3)]).catch(() => undefined);
    }
  }
  if (found.length) process.stderr.write(`teardown of daemon prefix ${prefix} removed what its records missed: ${found.join('; ')}\n`);
}
