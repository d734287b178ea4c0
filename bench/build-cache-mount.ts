// A RUN that fills a 50 MB cache mount, then builds from it: cold (the cache starts empty:
// --no-cache) and warm (a changed build arg re-runs the step, which finds the cache full). Berth
// (legacy API through Docker's 20.10 client, DOCKER_BUILDKIT=0) side by side with BuildKit (Docker
// Engine 20.10's, the same client with DOCKER_BUILDKIT=1), each timed as the wall time of
// `docker build`. The step's own work is kept cheap (dd from /dev/zero, cat into /dev/null) so the
// builders' overhead is what is compared, not busybox's byte loops.
//   npm run bench -- build-cache-mount [runs] [megabytes]
// Docker Engine is measured when /var/run/docker.sock answers and /usr/bin/docker exists. What the
// benchmark made there (its image tag and its own cache mounts, found by this run's id) is removed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOCKER_ENGINE_HOST, dockerEngineAnswers, removeFromDockerEngine, shareBaseWithDockerEngine, startBuildEngine } from '../test/runtime/builder/helpers/build-engine.js';
import { median, printTable } from '../test/runtime/builder/helpers/table.js';

const CLI = '/usr/bin/docker';

function dockerBuild(host: string, buildkit: boolean, args: string[]): Promise<number> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const c = spawn(CLI, ['build', ...(buildkit ? ['--progress=plain'] : []), ...args], {
      env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: buildkit ? '1' : '0' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    c.stderr.on('data', (d: Buffer) => { err += d; });
    c.on('error', reject);
    c.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`docker build failed (${host}): ${err.slice(-2000)}`))));
  });
}

/** BuildKit's cache records whose description holds `marker` (only what this run made). */
function dockerCacheIds(marker: string): Promise<string[]> {
  return new Promise((resolve) => {
    http.get({ socketPath: '/var/run/docker.sock', path: '/system/df' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d; });
      res.on('end', () => {
        try {
          const df = JSON.parse(body) as { BuildCache?: { ID: string; Description?: string }[] };
          resolve((df.BuildCache ?? []).filter((b) => b.Description?.includes(marker)).map((b) => b.ID));
        } catch {
          resolve([]);
        }
      });
    }).on('error', () => resolve([]));
  });
}

export async function run(args: string[] = []): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 3) || 3);
  const mb = Math.max(1, Number(args[1] ?? 50) || 50);
  if (!existsSync(CLI)) throw new Error(`${CLI} (Docker's 20.10 client) is needed to drive both builders`);
  const engine = await startBuildEngine();
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-cm-'));
  const marker = `bench-cm-${process.pid}`;
  const tag = `berth-bench/cache-mount:${process.pid}`;
  try {
    writeFileSync(join(dir, 'Dockerfile'), [
      'ARG BASE',
      'FROM $BASE',
      'ARG V=0',
      `RUN --mount=type=cache,target=/cache,id=${marker} echo ${marker} $V && `
        + `if [ ! -f /cache/data ]; then dd if=/dev/zero of=/cache/data bs=1M count=${mb} 2>/dev/null; fi && cat /cache/data > /dev/null && stat -c %s /cache/data > /size`,
      '',
    ].join('\n'));
    const engines: { label: string; host: string; buildkit: boolean; cold: number[]; warm: number[] }[] = [
      { label: 'Berth (berthd)', host: engine.host, buildkit: false, cold: [], warm: [] },
    ];
    if (await dockerEngineAnswers()) {
      await shareBaseWithDockerEngine(engine);
      engines.push({ label: 'BuildKit (Docker Engine 20.10)', host: DOCKER_ENGINE_HOST, buildkit: true, cold: [], warm: [] });
    }
    const base = ['--build-arg', `BASE=${engine.base}`, '-t', tag];
    let v = 0;
    for (const e of engines) await dockerBuild(e.host, e.buildkit, [...base, '--no-cache', '--build-arg', `V=${++v}`, dir]); // warm-up
    for (let i = 0; i < runs; i++) {
      for (const e of engines) {
        e.cold.push(await dockerBuild(e.host, e.buildkit, [...base, '--no-cache', '--build-arg', `V=${++v}`, dir]));
        e.warm.push(await dockerBuild(e.host, e.buildkit, [...base, '--build-arg', `V=${++v}`, dir]));
      }
    }
    console.log(`RUN filling a ${mb} MB cache mount (cold: --no-cache, empty cache) and building from it (warm: changed build arg)`);
    const rows = [['engine', 'cold median (ms)', 'cold runs', 'warm median (ms)', 'warm runs']];
    for (const e of engines) {
      rows.push([e.label, median(e.cold).toFixed(0), e.cold.map((t) => t.toFixed(0)).join(' '), median(e.warm).toFixed(0), e.warm.map((t) => t.toFixed(0)).join(' ')]);
    }
    printTable(rows);
    const [berth, bk] = engines;
    if (bk) {
      console.log(`ratio Berth / BuildKit: cold ${(median(berth.cold) / median(bk.cold)).toFixed(2)}x, warm ${(median(berth.warm) / median(bk.warm)).toFixed(2)}x`);
    } else {
      console.log('BuildKit not measured: /var/run/docker.sock does not answer');
    }
  } finally {
    if (await dockerEngineAnswers()) {
      await removeFromDockerEngine([], [tag, engine.base]);
      for (const id of await dockerCacheIds(marker)) {
        await new Promise((r) => spawn(CLI, ['builder', 'prune', '-f', '--filter', `id=${id}`], { env: { ...process.env, DOCKER_HOST: DOCKER_ENGINE_HOST }, stdio: 'ignore' }).on('close', r));
      }
    }
    await engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
