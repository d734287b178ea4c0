// `docker stats` without a cgroup: CPU time, memory and process count summed over the container's
// processes from /proc. Resident memory counts pages shared between those processes once per process,
// so it reads a little high for multi-process containers; a cgroup's usage would not.
import { readFile } from 'node:fs/promises';
import type { StatsSample } from '../containers/stats.js';

const USER_HZ = 100;

interface ProcessCounters { userTicks: number; systemTicks: number; rssBytes: number }

async function countersOf(pid: number): Promise<ProcessCounters | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return { userTicks: Number(f[11]), systemTicks: Number(f[12]), rssBytes: rssKb * 1024 };
  } catch {
    return undefined; // exited meanwhile
  }
}

/** `sample` with its CPU, memory and pids figures taken from the processes `pids`. */
export async function withProcessCounters(sample: StatsSample, pids: number[]): Promise<StatsSample> {
  const all = (await Promise.all(pids.map(countersOf))).filter((c): c is ProcessCounters => c !== undefined);
  const user = all.reduce((a, c) => a + c.userTicks, 0);
  const system = all.reduce((a, c) => a + c.systemTicks, 0);
  const rss = all.reduce((a, c) => a + c.rssBytes, 0);
  return {
    ...sample,
    pids_stats: { current: all.length },
    cpu_stats: {
      ...sample.cpu_stats,
      cpu_usage: { total_usage: ((user + system) * 1e9) / USER_HZ, usage_in_usermode: (user * 1e9) / USER_HZ, usage_in_kernelmode: (system * 1e9) / USER_HZ },
    },
    memory_stats: { ...sample.memory_stats, usage: rss, stats: {} },
  };
}
