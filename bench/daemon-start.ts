// berthd start to ready line, and idle resident memory. Targets: under 300 ms; under 60 MB.
import { readFileSync } from 'node:fs';
import { startDaemon } from '../test/helpers/daemon.js';

const ROUNDS = 10;

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

export async function run(): Promise<void> {
  const starts: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const d = await startDaemon();
    starts.push(performance.now() - t0);
    // Idle: one ping answered, nothing else going on.
    await d.client.ping();
    rss.push(rssMb(d.process.pid as number));
    await d.stop();
    await d.cleanup();
  }
  starts.sort((a, b) => a - b);
  rss.sort((a, b) => a - b);
  console.log(`daemon-start: ${ROUNDS} starts on a fresh root`);
  console.table({
    'start to ready (median)': { value: `${starts[Math.floor(ROUNDS / 2)].toFixed(0)} ms`, target: '< 300 ms' },
    'start to ready (max)': { value: `${starts[ROUNDS - 1].toFixed(0)} ms`, target: '' },
    'idle RSS (median)': { value: `${rss[Math.floor(ROUNDS / 2)].toFixed(1)} MB`, target: '< 60 MB' },
  });
}
