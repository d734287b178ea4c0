// A 12-step Dockerfile (FROM, 10 RUN, one COPY), built with the legacy builder by berthd and by
// Docker Engine side by side: cold (nocache=1, every step runs) and fully cached (every step hits).
// Targets: cold <= 0.25x Docker's time, cached <= 0.5x. POST /build goes straight over each socket,
// so the CLI's start-up is not in the numbers.
//   npm run bench -- build-steps [runs]
// Docker Engine is measured when /var/run/docker.sock answers; both engines get the same busybox
// base image (docker save | docker load). berthd is dist/runtime.js: run `node scripts/build.mjs` first.
import { contextTar, postBuild, type BuildReply } from '../test/runtime/builder/helpers/build-request.js';
import {
  dockerEngineAnswers, printedImageIds, removeFromDockerEngine, shareBaseWithDockerEngine, startBuildEngine,
} from '../test/runtime/builder/helpers/build-engine.js';
import { median, printTable } from '../test/runtime/builder/helpers/table.js';

function dockerfile(base: string): string {
  const runs = Array.from({ length: 10 }, (_, i) => `RUN echo step ${i + 1} > /step-${i + 1}.txt`);
  return [`FROM ${base}`, ...runs, 'COPY data.txt /data.txt', ''].join('\n');
}

/** Images Docker Engine built, removed at the end (the engine is shared). */
const dockerIds: string[] = [];

async function timed(socket: string, query: Record<string, string>, body: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  const reply: BuildReply = await postBuild(socket, query, body);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (reply.status !== 200 || reply.error || !reply.imageId) throw new Error(`build failed: ${reply.error ?? reply.status}\n${reply.text}`);
  if (socket === '/var/run/docker.sock') dockerIds.push(...printedImageIds(reply.text).slice(1));
  return ms;
}

export async function run(args: string[] = []): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5) || 5);
  const engine = await startBuildEngine();
  try {
    const body = await contextTar([
      { name: 'Dockerfile', content: dockerfile(engine.base) },
      { name: 'data.txt', content: 'some data\n'.repeat(100) },
    ]);
    const tag = `berth-bench/build-steps:${process.pid}`;
    const engines: { label: string; socket: string; cold: number[]; cached: number[] }[] = [
      { label: 'Berth (berthd)', socket: engine.socket, cold: [], cached: [] },
    ];
    const withDocker = await dockerEngineAnswers();
    if (withDocker) {
      await shareBaseWithDockerEngine(engine);
      engines.push({ label: 'Docker Engine (dockerd)', socket: '/var/run/docker.sock', cold: [], cached: [] });
    }
    // Warm-up (not counted): page cache, crun/runc binaries, the first network namespace.
    for (const e of engines) await timed(e.socket, { t: tag, nocache: '1' }, body);
    for (let i = 0; i < runs; i++) {
      for (const e of engines) {
        e.cold.push(await timed(e.socket, { t: tag, nocache: '1' }, body));
        e.cached.push(await timed(e.socket, { t: tag }, body));
      }
    }
    const rows = [['engine', `cold median of ${runs} (ms)`, 'cold runs', `cached median (ms)`, 'cached runs']];
    for (const e of engines) {
      rows.push([e.label, median(e.cold).toFixed(0), e.cold.map((t) => t.toFixed(0)).join(' '), median(e.cached).toFixed(0), e.cached.map((t) => t.toFixed(0)).join(' ')]);
    }
    printTable(rows);
    const [berth, docker] = engines;
    if (docker) {
      console.log(`cold:   Berth / Docker Engine = ${(median(berth.cold) / median(docker.cold)).toFixed(2)}x (target <= 0.25x)`);
      console.log(`cached: Berth / Docker Engine = ${(median(berth.cached) / median(docker.cached)).toFixed(2)}x (target <= 0.5x)`);
      await removeFromDockerEngine(dockerIds, [tag, engine.base]);
    } else {
      console.log('Docker Engine not measured: /var/run/docker.sock does not answer (start it: dockerd >/tmp/dockerd.log 2>&1 &)');
    }
  } finally {
    await engine.dispose();
  }
}
