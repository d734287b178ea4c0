// `docker run --rm --network none IMAGE echo hi` through the same docker CLI, berthd vs Docker Engine,
// rounds interleaved so both see the same machine load. Target: berthd at most 0.3x Docker's time.
import { spawnSync } from 'node:child_process';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

const ROUNDS = 21;
const WARMUP = 3;

function timeRun(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync('docker', ['run', '--rm', '--network', 'none', BENCH_IMAGE, 'echo', 'hi'], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 || r.stdout !== 'hi\n') throw new Error(`docker run failed (${r.status}): ${r.stderr}`);
  return ms;
}

export async function run(): Promise<void> {
  const berth = await startEngine();
  const docker = await dockerEngine();
  try {
    await shareImage(berth, docker);
    for (let i = 0; i < WARMUP; i++) { timeRun(berth.env); if (docker) timeRun(docker.env); }
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      b.push(timeRun(berth.env));
      if (docker) d.push(timeRun(docker.env));
    }
    const bm = median(b);
    const dm = docker ? median(d) : NaN;
    console.log(`run-echo: ${ROUNDS} rounds of docker run --rm --network none ${BENCH_IMAGE} echo hi (after ${WARMUP} warm-up rounds)`);
    console.table({
      'berthd (median)': { value: `${bm.toFixed(0)} ms`, target: '' },
      'berthd (min / max)': { value: `${Math.min(...b).toFixed(0)} / ${Math.max(...b).toFixed(0)} ms`, target: '' },
      'Docker Engine (median)': { value: docker ? `${dm.toFixed(0)} ms` : 'not reachable', target: '' },
      'berthd / Docker': { value: docker ? `${(bm / dm).toFixed(2)}x` : '-', target: '<= 0.30x' },
    });
  } finally {
    await berth.dispose();
  }
}
