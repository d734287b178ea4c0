// Output throughput through the docker CLI: `docker run IMAGE sh -c 'yes ... | head -c 200000000'`,
// stdout of the CLI read to the end (and counted), berthd vs Docker Engine. The output also goes to
// each engine's container log. Target: berthd at least 10x Docker Engine's MB/s.
import { spawn } from 'node:child_process';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

const BYTES = 200_000_000;
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789';

/** MB/s of one run, from the CLI's start to its exit; checks every byte arrived. */
function measure(env: NodeJS.ProcessEnv, name: string, inside = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('docker', ['run', '--name', name, BENCH_IMAGE, 'sh', '-c', `yes '${LINE}' | head -c ${BYTES}${inside}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => { got += c.length; });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('close', (code) => {
      const s = (performance.now() - t0) / 1000;
      if (code !== 0 || got !== (inside ? 0 : BYTES)) reject(new Error(`docker run exited ${code} with ${got} of ${BYTES} bytes: ${err}`));
      else resolve(BYTES / 1e6 / s);
    });
  });
}

export async function run(args: string[] = []): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  const berth = await startEngine();
  const docker = await dockerEngine();
  try {
    await shareImage(berth, docker);
    const b: number[] = [];
    const d: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const name = `berth-log-bench-${process.pid}-${i}`;
      b.push(await measure(berth.env, name));
      await berth.docker(['rm', name]);
      if (docker) {
        d.push(await measure(docker.env, name));
        await docker.docker(['rm', name]);
      }
    }
    // The ceiling: the same command with its output thrown away inside the container (no engine I/O).
    const ceiling = await measure(berth.env, `berth-log-bench-${process.pid}-ceiling`, ' > /dev/null');
    await berth.docker(['rm', `berth-log-bench-${process.pid}-ceiling`]);
    const bm = median(b);
    const dm = docker ? median(d) : NaN;
    console.log(`log-throughput: ${rounds} rounds of ${BYTES / 1e6} MB through docker run (attached, logged)`);
    console.table({
      'the command alone, output to /dev/null inside': { value: `${ceiling.toFixed(0)} MB/s`, target: '(ceiling on this machine)' },
      'berthd (median)': { value: `${bm.toFixed(0)} MB/s`, target: '' },
      'Docker Engine (median)': { value: docker ? `${dm.toFixed(1)} MB/s` : 'not reachable', target: '' },
      'berthd / Docker': { value: docker ? `${(bm / dm).toFixed(1)}x` : '-', target: '>= 10x' },
    });
  } finally {
    await berth.dispose();
  }
}
