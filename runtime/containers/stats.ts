// `docker stats`: one sample of a container's cgroup counters (runtime/cgroups reads v1 or v2) and
// network interfaces, in the Engine API's stats shape. The CLI computes CPU % from cpu_stats minus
// precpu_stats and memory from usage minus total_inactive_file (v1) or inactive_file (v2), so those
// fields must be right; the rest is informational.
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { CgroupDriver } from '../cgroups/driver.js';
import { keyValues } from '../cgroups/counters.js';

export { keyValues };

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
const USER_HZ = 100; // /proc/stat counts in USER_HZ ticks; 100 on every Linux ABI Node runs on

export function emptyCpu(): CpuStats {
  return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
}

async function text(path: string): Promise<string | undefined> {
  try { return await readFile(path, 'utf8'); } catch { return undefined; }
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

export interface StatsTarget { id: string; name: string; pid: number; cgroup: CgroupDriver }

/** Reads one sample. `pre` is the previous sample's cpu_stats (for CPU %), when there is one. */
export async function sampleStats(t: StatsTarget, pre?: { cpu: CpuStats; read: string }): Promise<StatsSample> {
  const [c, procStat, netDev, meminfo] = await Promise.all([
    t.cgroup.counters(t.id), text('/proc/stat'), t.pid ? text(`/proc/${t.pid}/net/dev`) : Promise.resolve(undefined), text('/proc/meminfo'),
  ]);
  const hostMem = keyValues(meminfo?.replace(/:/g, '').replace(/ kB/g, ''));
  const cpu: CpuStats = {
    cpu_usage: { total_usage: c.cpu.totalNs, ...(c.cpu.percpuNs ? { percpu_usage: c.cpu.percpuNs } : {}), usage_in_kernelmode: c.cpu.systemNs, usage_in_usermode: c.cpu.userNs },
    system_cpu_usage: procStat ? systemCpuNanos(procStat) : 0,
    online_cpus: cpus().length,
    throttling_data: { periods: c.cpu.periods, throttled_periods: c.cpu.throttledPeriods, throttled_time: c.cpu.throttledNs },
  };
  return {
    read: new Date().toISOString(),
    preread: pre?.read ?? ZERO_TIME,
    pids_stats: { current: c.pids.current, ...(c.pids.limit !== undefined ? { limit: c.pids.limit } : {}) },
    blkio_stats: { io_service_bytes_recursive: c.io.length ? c.io : null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: pre?.cpu ?? emptyCpu(),
    memory_stats: { usage: c.memory.usage, max_usage: c.memory.maxUsage, limit: c.memory.limit ?? (hostMem.MemTotal ?? 0) * 1024, failcnt: c.memory.failcnt, stats: c.memory.stats },
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
