// A container's cgroup counters in one shape for both cgroup versions: what `docker stats` needs,
// read from the files of whichever hierarchy the host has (v1: one folder per controller; v2: one
// folder with every controller's files). containers/stats.ts turns this into the Engine API's shape.
import { readFile } from 'node:fs/promises';

export interface CgroupCounters {
  cpu: {
    /** Nanoseconds of CPU time, in total and split as the kernel accounts it. */
    totalNs: number; userNs: number; systemNs: number;
    /** v1 only (cpuacct.usage_percpu): v2 has no per-CPU figures, and Docker leaves them out there too. */
    percpuNs?: number[];
    periods: number; throttledPeriods: number; throttledNs: number;
  };
  memory: {
    usage?: number;
    /** v1 only (memory.max_usage_in_bytes, memory.failcnt). */
    maxUsage?: number; failcnt?: number;
    /** undefined when no limit is set. */
    limit?: number;
    /** memory.stat as it is (v1 has total_* keys, v2 anon/file/inactive_file...); the CLI picks the right one. */
    stats: Record<string, number>;
  };
  pids: { current?: number; limit?: number };
  /** Bytes read and written per block device. */
  io: { major: number; minor: number; op: string; value: number }[];
}

export async function readText(path: string): Promise<string | undefined> {
  try { return await readFile(path, 'utf8'); } catch { return undefined; }
}

/** A file holding one number; undefined when missing or not a number ("max" included). */
export function parseNumber(t: string | undefined): number | undefined {
  if (t === undefined) return undefined;
  const s = t.trim();
  if (!/^\d+$/.test(s)) return undefined;
  return Number(s);
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events) into a map. */
export function keyValues(t: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (t ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}
