// Memory per container, Berth and Docker Engine side by side in one run: proportional set size (PSS,
// shared pages split fairly, from /proc/PID/smaps_rollup) of each engine's side with no container
// and with 50 idle `sleep` containers. Berth's side: berthd, its command server, its monitor hosts and
// their subreapers.
// Docker's: dockerd, containerd and the shims of these containers (Docker is shared: other
// containers' shims are left out). Per container = (with 50 - idle) / 50; target for Berth <= 1 MB.
import { readdirSync, readFileSync } from 'node:fs';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { runDocker } from '../test/helpers/daemon.js';
import { BENCH_IMAGE, dockerEngine, shareImage } from '../test/runtime/containers/docker-engine.js';

const COUNT = 50;
/** Give the engines a moment after the last start (lazy allocations, GC) before reading memory. */
const SETTLE_MS = 3000;

interface Proc { pid: number; ppid: number; comm: string; cmdline: string[] }

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(d), ppid, comm, cmdline: readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0') });
    } catch { /* gone */ }
  }
  return out;
}

/**
 * PSS and private memory (Private_Clean + Private_Dirty) in kB; 0 when the process is gone. PSS also
 * moves with unrelated processes sharing the same pages (every Node process shares node's text), so
 * the private figure is reported beside it.
 */
function memory(pid: number): { pss: number; priv: number } {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(t)?.[1] ?? 0);
    return { pss: kb('Pss'), priv: kb('Private_Clean') + kb('Private_Dirty') };
  } catch {
    return { pss: 0, priv: 0 };
  }
}

interface Side { total: number; priv: number; parts: Record<string, { count: number; kb: number }> }

function measure(groups: Record<string, number[]>): Side {
  const parts: Side['parts'] = {};
  let total = 0;
  let priv = 0;
  for (const [name, pids] of Object.entries(groups)) {
    const m = pids.map(memory);
    const kb = m.reduce((s, x) => s + x.pss, 0);
    parts[name] = { count: pids.length, kb };
    total += kb;
    priv += m.reduce((s, x) => s + x.priv, 0);
  }
  return { total, priv, parts };
}

function berthSide(socket: string, root: string): Record<string, number[]> {
  const ps = processes();
  const daemon = ps.filter((p) => p.cmdline.includes('--socket') && p.cmdline.includes(socket)).map((p) => p.pid);
  const hosts = ps.filter((p) => p.cmdline.some((a) => a.startsWith(`${root}/run/host-`))).map((p) => p.pid);
  const reapers = ps.filter((p) => hosts.includes(p.ppid) && p.comm === 'perl').map((p) => p.pid);
  // berthd's own Perl child runs its host commands (ip, iptables, mount).
  const commandServers = ps.filter((p) => daemon.includes(p.ppid) && p.comm === 'perl').map((p) => p.pid);
  return { berthd: daemon, 'command server': commandServers, 'monitor hosts': hosts, subreapers: reapers };
}

function dockerSide(ids: string[]): Record<string, number[]> {
  const ps = processes();
  const shims = ps.filter((p) => p.comm.startsWith('containerd-shim') && ids.some((id) => p.cmdline.includes(id))).map((p) => p.pid);
  return {
    dockerd: ps.filter((p) => p.comm === 'dockerd').map((p) => p.pid),
    containerd: ps.filter((p) => p.comm === 'containerd').map((p) => p.pid),
    shims,
  };
}

/** Starts COUNT idle containers, ten at a time; their full IDs. */
async function startIdle(env: NodeJS.ProcessEnv, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i += 10) {
    const runs = await Promise.all(Array.from({ length: Math.min(10, COUNT - i) }, () => runDocker(['run', '-d', '--network', 'none', '--label', label, BENCH_IMAGE, 'sleep', '100000'], env)));
    const failed = runs.find((r) => r.code !== 0);
    if (failed) throw new Error(`docker run -d failed: ${failed.stderr}`);
    ids.push(...runs.map((r) => r.stdout.trim()));
  }
  return ids;
}

async function removeAll(env: NodeJS.ProcessEnv, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 25) await runDocker(['rm', '-f', ...ids.slice(i, i + 25)], env);
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, SETTLE_MS));
const mb = (kb: number): string => `${(kb / 1024).toFixed(1)} MB`;

function report(idle: Side, full: Side): Record<string, string> {
  const row: Record<string, string> = {
    idle: mb(idle.total), [`${COUNT} containers`]: mb(full.total), 'per container': mb((full.total - idle.total) / COUNT),
    'private, per container': mb((full.priv - idle.priv) / COUNT),
  };
  row.parts = Object.entries(full.parts).map(([k, v]) => `${k} ${v.count}: ${mb(idle.parts[k]?.kb ?? 0)} -> ${mb(v.kb)}`).join('; ');
  return row;
}

export async function run(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const berth = await startEngine();
  const docker = await dockerEngine();
  const label = `berth-bench-density-${process.pid}`;
  let dockerIds: string[] = [];
  try {
    await shareImage(berth, docker);
    // The engine has started one container before, as a daemon in use has (lazy start-up costs are not per container).
    await runDocker(['run', '--rm', '--network', 'none', BENCH_IMAGE, 'true'], berth.env);
    if (docker) await runDocker(['run', '--rm', '--network', 'none', BENCH_IMAGE, 'true'], docker.env);
    await settle();
    const bIdle = measure(berthSide(berth.socket, berth.root));
    const dIdle = docker ? measure(dockerSide([])) : undefined;
    const berthIds = await startIdle(berth.env, label);
    if (docker) dockerIds = await startIdle(docker.env, label);
    await settle();
    const bFull = measure(berthSide(berth.socket, berth.root));
    const dFull = docker ? measure(dockerSide(dockerIds)) : undefined;
    console.log(`containers-density: PSS of the engine side, idle and with ${COUNT} idle sleep containers (load before: ${load}; after: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`);
    const table: Record<string, Record<string, string>> = { berthd: report(bIdle, bFull) };
    if (dIdle && dFull) table['Docker Engine'] = report(dIdle, dFull);
    else table['Docker Engine'] = { idle: 'not reachable' };
    console.table(table);
    console.log(`target: berthd per container <= 1.0 MB; berthd ${mb((bFull.total - bIdle.total) / COUNT)}${dIdle && dFull ? `, Docker Engine ${mb((dFull.total - dIdle.total) / COUNT)}` : ''}`);
    await removeAll(berth.env, berthIds);
  } finally {
    if (docker) await removeAll(docker.env, dockerIds);
    await berth.dispose();
  }
}
