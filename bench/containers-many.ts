// Many containers: 50 `docker run -d` started at once must all end up running (time until they all
// are, berthd vs Docker Engine), then `GET /containers/json?all=1` with 500 containers (target < 20 ms).
import { request } from 'node:http';
import { startEngine, type Engine } from '../test/runtime/containers/engine-fixture.js';
import { runDocker } from '../test/helpers/daemon.js';
import { BENCH_IMAGE, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

const AT_ONCE = 50;
const LISTED = 500;
const LIST_ROUNDS = 30;

/** Starts AT_ONCE containers concurrently; resolves with ms until `docker ps` shows them all running. */
async function startMany(env: NodeJS.ProcessEnv, label: string): Promise<number> {
  const t0 = performance.now();
  const runs = await Promise.all(Array.from({ length: AT_ONCE }, () => runDocker(['run', '-d', '--label', label, BENCH_IMAGE, 'sleep', '1000'], env)));
  const failed = runs.filter((r) => r.code !== 0);
  if (failed.length) throw new Error(`${failed.length} of ${AT_ONCE} docker run -d failed: ${failed[0].stderr}`);
  for (;;) {
    const ps = await runDocker(['ps', '-q', '--filter', `label=${label}`, '--filter', 'status=running'], env);
    if (ps.stdout.trim().split('\n').filter(Boolean).length === AT_ONCE) return performance.now() - t0;
    if (performance.now() - t0 > 120_000) throw new Error('containers did not all reach running within 2 minutes');
  }
}

async function removeLabelled(env: NodeJS.ProcessEnv, label: string): Promise<void> {
  const ids = (await runDocker(['ps', '-aq', '--filter', `label=${label}`], env)).stdout.split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) await runDocker(['rm', '-f', ...ids.slice(i, i + 50)], env);
}

function get(socket: string, path: string): Promise<{ ms: number; count: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    request({ socketPath: socket, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - t0, count: (JSON.parse(Buffer.concat(chunks).toString()) as unknown[]).length }));
    }).on('error', reject).end();
  });
}

async function createMany(e: Engine, n: number): Promise<void> {
  const body = JSON.stringify({ Image: BENCH_IMAGE, Cmd: ['true'], Labels: { bench: 'list' } });
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const r = request({ socketPath: e.socket, method: 'POST', path: '/v1.41/containers/create', headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`create: ${res.statusCode}`))));
    });
    r.on('error', reject);
    r.end(body);
  });
  for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: Math.min(20, n - i) }, one));
}

export async function run(): Promise<void> {
  const berth = await startEngine();
  const docker = await dockerEngine();
  const label = `berth-bench-many-${process.pid}`;
  try {
    await shareImage(berth, docker);
    const bStart = await startMany(berth.env, label);
    const dStart = docker ? await startMany(docker.env, label) : NaN;
    if (docker) await removeLabelled(docker.env, label);
    // 50 running + 450 created = 500 listed
    await createMany(berth, LISTED - AT_ONCE);
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < LIST_ROUNDS; i++) {
      const r = await get(berth.socket, '/v1.41/containers/json?all=1');
      times.push(r.ms);
      count = r.count;
    }
    if (count !== LISTED) throw new Error(`listed ${count} containers, expected ${LISTED}`);
    console.log(`containers-many: ${AT_ONCE} docker run -d at once; GET /containers/json?all=1 with ${LISTED} containers (${LIST_ROUNDS} requests)`);
    console.table({
      [`${AT_ONCE} started at once, all running (berthd)`]: { value: `${(bStart / 1000).toFixed(2)} s`, target: 'all running' },
      [`${AT_ONCE} started at once, all running (Docker Engine)`]: { value: docker ? `${(dStart / 1000).toFixed(2)} s` : 'not reachable', target: '' },
      [`list ${LISTED} (median)`]: { value: `${median(times).toFixed(1)} ms`, target: '< 20 ms' },
      [`list ${LISTED} (max)`]: { value: `${Math.max(...times).toFixed(1)} ms`, target: '' },
    });
  } finally {
    if (docker) await removeLabelled(docker.env, label).catch(() => undefined);
    await berth.dispose();
  }
}
