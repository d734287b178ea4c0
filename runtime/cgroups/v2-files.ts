// Reading a container's counters from its cgroup v2 folder (/sys/fs/cgroup/<path>): memory.current,
// memory.max, memory.stat, cpu.stat, pids.current, pids.max, io.stat, mapped as dockerd maps them
// (daemon/stats_collector's v2 branch): cpu.stat's microseconds become nanoseconds, io.stat's
// rbytes/wbytes become "read"/"write" entries, and memory.stat goes through as it is (the CLI takes
// inactive_file from it to show usage without the page cache).
import { join } from 'node:path';
import { keyValues, parseNumber, readText, type CgroupCounters } from './counters.js';

export async function readV2Counters(dir: string): Promise<CgroupCounters> {
  const at = (file: string): Promise<string | undefined> => readText(join(dir, file));
  const [cpuStat, memCurrent, memMax, memStat, pids, pidsMax, ioStat] = await Promise.all([
    at('cpu.stat'), at('memory.current'), at('memory.max'), at('memory.stat'), at('pids.current'), at('pids.max'), at('io.stat'),
  ]);
  const cpu = keyValues(cpuStat);
  return {
    cpu: {
      totalNs: (cpu.usage_usec ?? 0) * 1000, userNs: (cpu.user_usec ?? 0) * 1000, systemNs: (cpu.system_usec ?? 0) * 1000,
      periods: cpu.nr_periods ?? 0, throttledPeriods: cpu.nr_throttled ?? 0, throttledNs: (cpu.throttled_usec ?? 0) * 1000,
    },
    memory: { usage: parseNumber(memCurrent), limit: parseNumber(memMax), stats: keyValues(memStat) },
    pids: { current: parseNumber(pids), limit: parseNumber(pidsMax) },
    io: parseIoStat(ioStat),
  };
}

/** io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device. */
export function parseIoStat(t: string | undefined): CgroupCounters['io'] {
  const out: CgroupCounters['io'] = [];
  for (const line of (t ?? '').split('\n')) {
    const [dev, ...fields] = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(dev ?? '');
    if (!m) continue;
    const kv = Object.fromEntries(fields.map((f) => f.split('=')).filter((p) => p.length === 2 && /^\d+$/.test(p[1])).map(([k, v]) => [k, Number(v)]));
    const major = Number(m[1]);
    const minor = Number(m[2]);
    out.push({ major, minor, op: 'read', value: kv.rbytes ?? 0 }, { major, minor, op: 'write', value: kv.wbytes ?? 0 });
  }
  return out;
}

/** memory.events' oom_kill counter: processes the kernel killed because this cgroup hit memory.max. */
export function v2OomKills(memoryEvents: string | undefined): number {
  return keyValues(memoryEvents).oom_kill ?? 0;
}

/** cgroup.events says "frozen 1" once every process of the cgroup is stopped by cgroup.freeze. */
export function v2Frozen(cgroupEvents: string | undefined): boolean {
  return keyValues(cgroupEvents).frozen === 1;
}
