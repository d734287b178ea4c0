// Reading a container's counters from cgroup v1 files: one folder per controller
// (/sys/fs/cgroup/<controller>/<path>). Moved here from containers/stats.ts unchanged in meaning.
import { join } from 'node:path';
import { keyValues, parseNumber, readText, type CgroupCounters } from './counters.js';

/** cpuacct.stat counts in USER_HZ ticks; 100 on every Linux ABI Node runs on. */
const USER_HZ = 100;
/** memory.limit_in_bytes when no limit is set (page-rounded LLONG_MAX) or above it. */
const V1_UNLIMITED = 0x7ffffffffffff000;

/** Counters of the container whose cgroup is `path` (relative, e.g. berth/<id>) under `root`. */
export async function readV1Counters(root: string, path: string): Promise<CgroupCounters> {
  const at = (ctrl: string, file: string): Promise<string | undefined> => readText(join(root, ctrl, path, file));
  const [usage, percpu, cpuacct, cpuStat, memUsage, memMax, memLimit, memFail, memStat, pids, pidsMax, blkio] = await Promise.all([
    at('cpuacct', 'cpuacct.usage'), at('cpuacct', 'cpuacct.usage_percpu'), at('cpuacct', 'cpuacct.stat'), at('cpu', 'cpu.stat'),
    at('memory', 'memory.usage_in_bytes'), at('memory', 'memory.max_usage_in_bytes'), at('memory', 'memory.limit_in_bytes'),
    at('memory', 'memory.failcnt'), at('memory', 'memory.stat'), at('pids', 'pids.current'), at('pids', 'pids.max'),
    at('blkio', 'blkio.throttle.io_service_bytes_recursive'),
  ]);
  const acct = keyValues(cpuacct);
  const thr = keyValues(cpuStat);
  const limit = parseNumber(memLimit);
  return {
    cpu: {
      totalNs: parseNumber(usage) ?? 0,
      userNs: ((acct.user ?? 0) * 1e9) / USER_HZ,
      systemNs: ((acct.system ?? 0) * 1e9) / USER_HZ,
      percpuNs: percpu?.trim().split(/\s+/).filter(Boolean).map(Number),
      periods: thr.nr_periods ?? 0, throttledPeriods: thr.nr_throttled ?? 0, throttledNs: thr.throttled_time ?? 0,
    },
    memory: {
      usage: parseNumber(memUsage), maxUsage: parseNumber(memMax), failcnt: parseNumber(memFail),
      limit: limit === undefined || limit >= V1_UNLIMITED ? undefined : limit,
      stats: keyValues(memStat),
    },
    pids: { current: parseNumber(pids), limit: parseNumber(pidsMax) },
    io: parseBlkio(blkio),
  };
}

/** blkio.throttle.io_service_bytes_recursive: "8:0 Read 4096" lines (and a Total line without a device). */
export function parseBlkio(t: string | undefined): CgroupCounters['io'] {
  return (t ?? '').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 3 && /^\d+:\d+$/.test(f[0]))
    .map(([dev, op, value]) => ({ major: Number(dev.split(':')[0]), minor: Number(dev.split(':')[1]), op: op.toLowerCase(), value: Number(value) }));
}

/** memory.oom_control's oom_kill counter (kernel 4.13+). */
export function v1OomKills(oomControl: string | undefined): number {
  return keyValues(oomControl).oom_kill ?? 0;
}
