// Output throughput through the docker CLI: `docker run IMAGE sh -c 'yes ... | head -c 200000000'`,
// berthd vs Docker Engine; the output also goes to each engine's container log. Target: berthd at
// least 10x Docker Engine's MB/s.
// Two readers of the CLI's stdout, the same for both engines: `| wc -c` in a shell pipeline (the
// headline: it measures the engines, not the reader), and this Node process counting the bytes
// (on two cores the Node reader takes a quarter of a core away from the pipeline).
// IMAGE has coreutils' yes and head (bench/coreutils-image.ts): busybox's pair is slower than berthd, so
// with it the bench would measure busybox. Pass `busybox` as second argument to measure that one.
import { spawn } from 'node:child_process';
import { startEngine, type Engine } from '../test/runtime/containers/engine-fixture.js';
import { dockerEngine, median, type DockerEngine } from '../test/runtime/containers/docker-engine.js';
import { coreutilsRootfsTar } from './coreutils-image.js';

const BYTES = 200_000_000;
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789';

const COREUTILS_IMAGE = 'berth-bench/coreutils:latest';

interface Producer { image: string; yes: string; head: string }

type Reader = 'wc' | 'node';

/** MB/s of one run, from the CLI's start to its exit; checks every byte arrived. */
function measure(env: NodeJS.ProcessEnv, name: string, p: Producer, reader: Reader, inside = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const run = ['docker', 'run', '--name', name, p.image, 'sh', '-c', `${p.yes} '${LINE}' | ${p.head} -c ${BYTES}${inside}`];
    const child = reader === 'node'
      ? spawn(run[0], run.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', 'set -o pipefail; "$@" | wc -c', 'bash', ...run], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    let counted = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { if (reader === 'node') got += c.length; else counted += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('close', (code) => {
      const s = (performance.now() - t0) / 1000;
      if (reader === 'wc') got = Number(counted.trim());
      if (code !== 0 || got !== (inside ? 0 : BYTES)) reject(new Error(`docker run exited ${code} with ${got} of ${BYTES} bytes: ${err}`));
      else resolve(BYTES / 1e6 / s);
    });
  });
}

async function importProducer(engines: (Engine | DockerEngine)[], busybox: boolean): Promise<Producer> {
  // Explicit paths: busybox's shell runs its own applets before anything on PATH.
  if (busybox) {
    const { busyboxRootfsTar } = await import('../scripts/lib/busybox-rootfs.mjs');
    const tar = await busyboxRootfsTar();
    for (const e of engines) await importOrFail(e, tar, 'berth-bench/busybox:latest');
    return { image: 'berth-bench/busybox:latest', yes: 'yes', head: 'head' };
  }
  const tar = await coreutilsRootfsTar();
  for (const e of engines) await importOrFail(e, tar, COREUTILS_IMAGE);
  return { image: COREUTILS_IMAGE, yes: '/usr/bin/yes', head: '/usr/bin/head' };
}

async function importOrFail(e: Engine | DockerEngine, tar: Buffer, tag: string): Promise<void> {
  const r = await e.docker(['import', '-', tag], { input: tar });
  if (r.code !== 0) throw new Error(`docker import ${tag}: ${r.stderr}`);
}

export async function run(args: string[] = []): Promise<void> {
  const rounds = Number(args[0] ?? 3);
  const berth = await startEngine({ importBusybox: false });
  const docker = await dockerEngine();
  let producer: Producer | undefined;
  try {
    producer = await importProducer(docker ? [berth, docker] : [berth], args[1] === 'busybox');
    const rows: Record<string, { value: string; target: string }> = {};
    const results: Record<Reader, { b: number[]; d: number[] }> = { wc: { b: [], d: [] }, node: { b: [], d: [] } };
    for (let i = 0; i < rounds; i++) {
      for (const reader of ['wc', 'node'] as const) {
        const name = `berth-log-bench-${process.pid}-${reader}-${i}`;
        results[reader].b.push(await measure(berth.env, name, producer, reader));
        await berth.docker(['rm', name]);
        if (docker) {
          results[reader].d.push(await measure(docker.env, name, producer, reader));
          await docker.docker(['rm', name]);
        }
      }
    }
    // The ceiling: the same command with its output thrown away inside the container (no engine I/O).
    const ceiling = await measure(berth.env, `berth-log-bench-${process.pid}-ceiling`, producer, 'wc', ' > /dev/null');
    await berth.docker(['rm', `berth-log-bench-${process.pid}-ceiling`]);
    rows['the command alone, output to /dev/null inside'] = { value: `${ceiling.toFixed(0)} MB/s`, target: '(ceiling on this machine)' };
    for (const reader of ['wc', 'node'] as const) {
      const { b, d } = results[reader];
      const bm = median(b);
      const dm = docker ? median(d) : NaN;
      const how = reader === 'wc' ? '| wc -c' : 'Node reader';
      rows[`${how}: berthd (median; min-max)`] = { value: `${bm.toFixed(0)} MB/s; ${Math.min(...b).toFixed(0)}-${Math.max(...b).toFixed(0)}`, target: '' };
      rows[`${how}: Docker Engine (median)`] = { value: docker ? `${dm.toFixed(1)} MB/s` : 'not reachable', target: '' };
      rows[`${how}: berthd / Docker`] = { value: docker ? `${(bm / dm).toFixed(1)}x` : '-', target: reader === 'wc' ? '>= 10x' : '' };
    }
    console.log(`log-throughput: ${rounds} rounds of ${BYTES / 1e6} MB through docker run (attached, logged), ${producer.yes} | ${producer.head} in ${producer.image}`);
    console.table(rows);
  } finally {
    if (docker && producer) await docker.docker(['rmi', producer.image]);
    await berth.dispose();
  }
}
