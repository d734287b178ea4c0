import './use-fake-vscode.js';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { statsRows } from '../../extension/stats/stats-panel.js';
import { followStats, sampleOf, type StatsSample } from '../../extension/stats/stats-sample.js';

// Docker Engine 20.10 on cgroup v1 (taken from this machine), shortened.
const V1 = {
  read: '2026-12-07T12:26:04.212401181Z',
  pids_stats: { current: 3 },
  blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 8192 }, { op: 'Total', value: 12288 }] },
  cpu_stats: { cpu_usage: { total_usage: 45681528, percpu_usage: [1, 2] }, system_cpu_usage: 25954600000000, online_cpus: 2 },
  precpu_stats: { cpu_usage: { total_usage: 25681528 }, system_cpu_usage: 25952600000000 },
  memory_stats: { usage: 385024, stats: { total_inactive_file: 61440, inactive_file: 0 }, limit: 25276182528 },
  networks: { eth0: { rx_bytes: 486, tx_bytes: 10 }, eth1: { rx_bytes: 14, tx_bytes: 0 } },
};
// cgroup v2: no total_* keys, no blkio, a memory limit.
const V2 = {
  read: '2026-12-07T12:26:05Z',
  cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 10_000_000_000, online_cpus: 4 },
  precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 8_000_000_000 },
  memory_stats: { usage: 100 * 1024 * 1024, stats: { inactive_file: 20 * 1024 * 1024 }, limit: 256 * 1024 * 1024 },
  blkio_stats: { io_service_bytes_recursive: null },
};

test('samples as docker stats computes them, on cgroup v1 and v2', () => {
  const a = sampleOf(V1);
  assert.equal(a.cpuPercent.toFixed(2), '2.00');
  assert.equal(a.memoryBytes, 385024 - 61440);
  assert.equal(a.memoryLimitBytes, 25276182528);
  assert.deepEqual([a.netRxBytes, a.netTxBytes, a.blockReadBytes, a.blockWriteBytes, a.pids], [500, 10, 4096, 8192, 3]);
  const b = sampleOf(V2);
  assert.equal(b.cpuPercent, 200);
  assert.equal(b.memoryBytes, 80 * 1024 * 1024);
  assert.equal(b.memoryPercent.toFixed(2), '31.25');
  assert.deepEqual(statsRows(b), [
    ['CPU', '200.0 %'], ['Memory', '83.9 MB of 268 MB (31.3 %)'], ['Network', '0 B in, 0 B out'], ['Block IO', '0 B read, 0 B written'], ['PIDs', '0'],
  ]);
  // The first reading has no previous one: 0 %, not NaN.
  assert.equal(sampleOf({ cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 9 } }).cpuPercent, 0);
});

test('the stream: one sample per JSON line, split anywhere; bad lines skipped; the end reported once; stop destroys it', async () => {
  const stream = new PassThrough();
  const got: StatsSample[] = [];
  let ends = 0;
  const f = followStats(stream, (s) => got.push(s), () => ends++);
  const text = `${JSON.stringify(V1)}\nnot json\n${JSON.stringify(V2)}\n`;
  stream.write(text.slice(0, 50));
  stream.write(text.slice(50));
  stream.end();
  await new Promise((r) => setImmediate(r));
  assert.equal(got.length, 2);
  assert.equal(ends, 1);
  const s2 = new PassThrough();
  const f2 = followStats(s2, () => undefined, () => ends++);
  f2.stop();
  assert.ok(s2.destroyed);
  f.stop();
  assert.equal(ends, 1, 'a stop is not an end');
});
