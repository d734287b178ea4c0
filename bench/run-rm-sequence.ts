// `docker run --rm IMAGE true` 20 times back to back, the total time, berthd vs Docker Engine through
// the same docker CLI; sequences alternate between the engines so both see the same machine load.
// Target: berthd's total at most 0.3x Docker Engine's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

const RUNS = 20;
const SEQUENCES = 5;

function sequence(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('docker', ['run', '--rm', BENCH_IMAGE, 'true'], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker run --rm failed (${r.status}): ${r.stderr}`);
  }
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const berth = await startEngine();
  const docker = await dockerEngine();
  try {
    await shareImage(berth, docker);
    sequence(berth.env);
    if (docker) sequence(docker.env);
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < SEQUENCES; i++) {
      b.push(sequence(berth.env));
      if (docker) d.push(sequence(docker.env));
    }
    const bm = median(b);
    const dm = docker ? median(d) : NaN;
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`run-rm-sequence: ${RUNS} x docker run --rm ${BENCH_IMAGE} true back to back, median of ${SEQUENCES} sequences (after one warm-up each; load before ${loadBefore}, after ${load})`);
    console.table({
      'berthd (median total)': { value: `${bm.toFixed(0)} ms (${(bm / RUNS).toFixed(0)} ms per run)`, target: '' },
      'berthd (min / max)': { value: `${Math.min(...b).toFixed(0)} / ${Math.max(...b).toFixed(0)} ms`, target: '' },
      'Docker Engine (median total)': { value: docker ? `${dm.toFixed(0)} ms (${(dm / RUNS).toFixed(0)} ms per run)` : 'not reachable', target: '' },
      'berthd / Docker': { value: docker ? `${(bm / dm).toFixed(2)}x` : '-', target: '<= 0.30x' },
    });
  } finally {
    await berth.dispose();
  }
}
