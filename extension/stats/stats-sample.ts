// One sample of a container's stats (the Engine API's stats JSON) in the numbers `docker stats` shows:
// CPU % from the change since the previous reading, memory without the page cache (as the CLI counts
// it on cgroup v1 and v2), its limit, network and block IO totals, pids. No VS Code imports.

import { forEachLine } from '../engine/json-lines.js';

export interface StatsJson {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op?: string; value?: number }[] | null };
  pids_stats?: { current?: number; limit?: number };
}

export interface StatsSample {
  /** ms since the epoch, from `read`. */
  at: number;
  /** Percent of one CPU, times the CPUs (200 = two CPUs busy), as docker stats shows it. */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimitBytes: number;
  memoryPercent: number;
  netRxBytes: number;
  netTxBytes: number;
  blockReadBytes: number;
  blockWriteBytes: number;
  pids: number;
}

export function sampleOf(s: StatsJson): StatsSample {
  const cpuDelta = (s.cpu_stats?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (s.cpu_stats?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats?.online_cpus || s.cpu_stats?.cpu_usage?.percpu_usage?.length || 1;
  // The first reading of a stream has no previous one (precpu is zero): 0 %, not the usage since boot.
  const hasPrevious = (s.precpu_stats?.system_cpu_usage ?? 0) > 0;
  const cpuPercent = hasPrevious && cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
  const m = s.memory_stats ?? {};
  const st = m.stats ?? {};
  // The CLI's rule: cgroup v1 subtracts total_inactive_file, v2 inactive_file (page cache the kernel can drop).
  const cache = st.total_inactive_file ?? st.inactive_file ?? 0;
  const memoryBytes = Math.max(0, (m.usage ?? 0) - (cache < (m.usage ?? 0) ? cache : 0));
  const memoryLimitBytes = m.limit ?? 0;
  let netRxBytes = 0;
  let netTxBytes = 0;
  for (const n of Object.values(s.networks ?? {})) {
    netRxBytes += n.rx_bytes ?? 0;
    netTxBytes += n.tx_bytes ?? 0;
  }
  let blockReadBytes = 0;
  let blockWriteBytes = 0;
  for (const e of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = (e.op ?? '').toLowerCase();
    if (op === 'read') blockReadBytes += e.value ?? 0;
    if (op === 'write') blockWriteBytes += e.value ?? 0;
  }
  return {
    at: s.read ? Date.parse(s.read) : Date.now(),
    cpuPercent,
    memoryBytes,
    memoryLimitBytes,
    memoryPercent: memoryLimitBytes > 0 ? (memoryBytes / memoryLimitBytes) * 100 : 0,
    netRxBytes,
    netTxBytes,
    blockReadBytes,
    blockWriteBytes,
    pids: s.pids_stats?.current ?? 0,
  };
}

/**
 * Follows `GET /containers/{id}/stats?stream=1` (one JSON object a second) until stopped; each object
 * becomes a sample. `onEnd` runs once when the stream ends (the container stopped) or fails.
 */
export function followStats(
  stream: NodeJS.ReadableStream & { destroy?: () => void },
  onSample: (s: StatsSample) => void,
  onEnd: (err?: Error) => void,
): { stop(): void } {
  let ended = false;
  const end = (err?: Error): void => {
    if (ended) return;
    ended = true;
    onEnd(err);
  };
  forEachLine(stream, (line) => {
    try {
      onSample(sampleOf(JSON.parse(line) as StatsJson));
    } catch {
      // A line that is not JSON is skipped; the next second brings another.
    }
  });
  stream.on('end', () => end());
  stream.on('error', (err: Error) => end(err));
  return {
    stop: () => {
      ended = true;
      stream.destroy?.();
    },
  };
}
