// `COPY . /app` of a 10,000-file context (100 folders of 100 small files, ~40 MB), built with the
// legacy builder by berthd and by Docker Engine side by side, nocache=1 so the copy always runs.
// The time covers sending the context, unpacking it, hashing it for the cache, writing the layer and
// committing the image. POST /build goes straight over each socket.
//   npm run bench -- build-copy [runs] [files]
// Docker Engine is measured when /var/run/docker.sock answers. berthd is dist/runtime.js: run
// `node scripts/build.mjs` first.
import { randomBytes } from 'node:crypto';
import { contextTar, postBuild, type ContextFile } from '../test/runtime/builder/helpers/build-request.js';
import {
  dockerEngineAnswers, printedImageIds, removeFromDockerEngine, shareBaseWithDockerEngine, startBuildEngine,
} from '../test/runtime/builder/helpers/build-engine.js';
import { median, printTable } from '../test/runtime/builder/helpers/table.js';

/** Images Docker Engine built, removed at the end (the engine is shared). */
const dockerIds: string[] = [];

async function timed(socket: string, query: Record<string, string>, body: Buffer): Promise<number> {
  const start = process.hrtime.bigint();
  const reply = await postBuild(socket, query, body);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (reply.status !== 200 || reply.error || !reply.imageId) throw new Error(`build failed: ${reply.error ?? reply.status}\n${reply.text}`);
  if (socket === '/var/run/docker.sock') dockerIds.push(...printedImageIds(reply.text).slice(1));
  return ms;
}

export async function run(args: string[] = []): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 3) || 3);
  const count = Math.max(1, Number(args[1] ?? 10_000) || 10_000);
  const engine = await startBuildEngine();
  try {
    const files: ContextFile[] = [{ name: 'Dockerfile', content: `FROM ${engine.base}\nCOPY . /app/\n` }];
    let bytes = 0;
    for (let i = 0; i < count; i++) {
      const content = randomBytes(1024 + (i % 7) * 1024);
      bytes += content.length;
      files.push({ name: `src/d${Math.floor(i / 100)}/f${i}.dat`, content, mode: i % 10 === 0 ? 0o755 : 0o644 });
    }
    const body = await contextTar(files);
    console.log(`context: ${count} files, ${(bytes / 1e6).toFixed(1)} MB of content, ${(body.length / 1e6).toFixed(1)} MB tar`);
    const tag = `berth-bench/build-copy:${process.pid}`;
    const engines: { label: string; socket: string; times: number[] }[] = [{ label: 'Berth (berthd)', socket: engine.socket, times: [] }];
    if (await dockerEngineAnswers()) {
      await shareBaseWithDockerEngine(engine);
      engines.push({ label: 'Docker Engine (dockerd)', socket: '/var/run/docker.sock', times: [] });
    }
    for (const e of engines) await timed(e.socket, { t: tag, nocache: '1' }, body); // warm-up
    for (let i = 0; i < runs; i++) for (const e of engines) e.times.push(await timed(e.socket, { t: tag, nocache: '1' }, body));
    const rows = [['engine', `median of ${runs} (ms)`, 'runs (ms)', 'files/s']];
    for (const e of engines) rows.push([e.label, median(e.times).toFixed(0), e.times.map((t) => t.toFixed(0)).join(' '), (count / (median(e.times) / 1000)).toFixed(0)]);
    printTable(rows);
    const [berth, docker] = engines;
    if (docker) {
      console.log(`ratio Berth / Docker Engine: ${(median(berth.times) / median(docker.times)).toFixed(2)}x`);
      await removeFromDockerEngine(dockerIds, [tag, engine.base]);
    } else {
      console.log('Docker Engine not measured: /var/run/docker.sock does not answer (start it: dockerd >/tmp/dockerd.log 2>&1 &)');
    }
  } finally {
    await engine.dispose();
  }
}
