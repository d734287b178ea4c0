// `docker stats`: one sample of a container's cgroup (v1) counters and network interfaces, in the
// Engine API's stats shape. The CLI computes CPU % from cpu_stats minus precpu_stats and memory
// from usage minus total_inactive_file, so those fields must be right; the rest is informational.
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';

export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage?: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface StatsSample {
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: { io_service_bytes_recursive: { major: number; minor: number; op: string; value: number }[] | null; io_serviced_recursive: null; io_queue_recursive: null; io_service_time_recursive: null; io_wait_time_recursive: null; io_merged_recursive: null; io_time_recursive: null; sectors_recursive: null };
  num_procs: number;
  storage_stats: Record<string, never>;
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage?: number; max_usage?: number; limit?: number; failcnt?: number; stats?: Record<string, number> };
  name: string;
  id: string;
  networks?: Record<string, { rx_bytes: number; rx_packets: number; rx_errors: number; rx_dropped: number; tx_bytes: number; tx_packets: number; tx_errors: number; tx_dropped: number }>;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const USER_HZ = 100; // cpuacct.stat and /proc/stat count in USER_HZ ticks; 100 on every Linux ABI Node runs on
const UNLIMITED = 0x7ffffffffffff000; // memory.limit_in_bytes when no limit is set (page-rounded LLONG_MAX)

export function emptyCpu(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

async function text(path: string): Promise<string | undefined> {
  try { return await readFile(path, 'utf8'); } catch { return undefined; }
}

async function num(path: string): Promise<number | undefined> {
  const t = await text(path);
  if (t === undefined) return undefined;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : undefined;
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) into a map. */
export function keyValues(t: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (t ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** Host CPU time in nanoseconds from the first line of /proc/stat, as moby computes system_cpu_usage. */
export function systemCpuNanos(procStat: string): number {
  const first = procStat.split('\n', 1)[0].trim().split(/\s+/);
  if (first[0] !== 'cpu') return 0;
  const ticks = first.slice(1, 8).reduce((a, b) => a + Number(b), 0);
  return (ticks * 1e9) / USER_HZ;
}

/** /proc/<pid>/net/dev as seen from the container's network namespace, without lo. */
export function parseNetDev(t: string): NonNullable<StatsSample['networks']> {
  const out: NonNullable<StatsSample['networks']> = {};
  for (const line of t.split('\n').slice(2)) {
    const m = /^\s*([^:]+):\s*(.*)$/.exec(line);
    if (!m || m[1] === 'lo') continue;
    const f = m[2].trim().split(/\s+/).map(Number);
    out[m[1]] = { rx_bytes: f[0], rx_packets: f[1], rx_errors: f[2], rx_dropped: f[3], tx_bytes: f[8], tx_packets: f[9], tx_errors: f[10], tx_dropped: f[11] };
  }
  return out;
}

export interface StatsTarget { id: string; name: string; pid: number; cgroup: string /* e.g. berth/<id> */ }

/** Reads one sample. `pre` is the previous sample's cpu_stats (for CPU %), when there is one. */
export async function sampleStats(t: StatsTarget, pre?: { cpu: CpuStats; read: string }): Promise<StatsSample> {
  const cg = (ctrl: string, file: string) => `/sys/fs/cgroup/${ctrl}/${t.cgroup}/${file}`;
  const [usage, percpu, cpuacct, cpuStat, memUsage, memMax, memLimit, memFail, memStat, pids, pidsMax, blkio, procStat, netDev] = await Promise.all([
    num(cg('cpuacct', 'cpuacct.usage')), text(cg('cpuacct', 'cpuacct.usage_percpu')), text(cg('cpuacct', 'cpuacct.stat')), text(cg('cpu', 'cpu.stat')),
    num(cg('memory', 'memory.usage_in_bytes')), num(cg('memory', 'memory.max_usage_in_bytes')), num(cg('memory', 'memory.limit_in_bytes')),
    num(cg('memory', 'memory.failcnt')), text(cg('memory', 'memory.stat')), num(cg('pids', 'pids.current')), text(cg('pids', 'pids.max')),
    text(cg('blkio', 'blkio.throttle.io_service_bytes_recursive')), text('/proc/stat'), t.pid ? text(`/proc/${t.pid}/net/dev`) : Promise.resolve(undefined),
  ]);
  const acct = keyValues(cpuacct);
  const thr = keyValues(cpuStat);
  const hostMem = keyValues(await text('/proc/meminfo').then((m) => m?.replace(/:/g, '').replace(/ kB/g, '')));
  const cpu: CpuStats = {
    cpu_usage: {
      total_usage: usage ?? 0,
      percpu_usage: percpu?.trim().split(/\s+/).filter(Boolean).map(Number),
      usage_in_kernelmode: ((acct.system ?? 0) * 1e9) / USER_HZ,
      usage_in_usermode: ((acct.user ?? 0) * 1e9) / USER_HZ,
    },
    system_cpu_usage: procStat ? systemCpuNanos(procStat) : 0,
    online_cpus: cpus().length,
    throttling_data: { periods: thr.nr_periods ?? 0, throttled_periods: thr.nr_throttled ?? 0, throttled_time: thr.throttled_time ?? 0 },
  };
  const limit = memLimit === undefined || memLimit >= UNLIMITED ? (hostMem.MemTotal ?? 0) * 1024 : memLimit;
  const blk = (blkio ?? '').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3 && /^\d+:\d+$/.test(f[0]))
    .map(([dev, op, value]) => ({ major: Number(dev.split(':')[0]), minor: Number(dev.split(':')[1]), op: op.toLowerCase(), value: Number(value) }));
  const pidsLimit = pidsMax && /^\d+$/.test(pidsMax.trim()) ? Number(pidsMax.trim()) : undefined;
  return {
    read: new Date().toISOString(),
    preread: pre?.read ?? ZERO_TIME,
    pids_stats: { current: pids, ...(pidsLimit !== undefined ? { limit: pidsLimit } : {}) },
    blkio_stats: { io_service_bytes_recursive: blk.length ? blk : null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: pre?.cpu ?? emptyCpu(),
    memory_stats: { usage: memUsage, max_usage: memMax, limit, failcnt: memFail, stats: keyValues(memStat) },
    name: t.name,
    id: t.id,
    ...(netDev ? { networks: parseNetDev(netDev) } : {}),
  };
}

/** The sample Docker sends for a container that is not running: zeros, with name and id. */
export function stoppedStats(id: string, name: string): StatsSample {
  return {
    read: ZERO_TIME, preread: ZERO_TIME, pids_stats: {}, num_procs: 0, storage_stats: {},
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    cpu_stats: emptyCpu(), precpu_stats: emptyCpu(), memory_stats: {}, name, id,
  };
}
