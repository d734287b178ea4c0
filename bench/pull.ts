// `docker pull` (the real CLI) of a ~200 MB image in 5 layers from a local docker-registry: against
// berthd (download, verify, unpack, record) and against Docker Engine. Target: Berth <= 0.7x Docker.
//   npm run bench -- pull [runs]
// The image (incompressible random data, gzip'd tar layers) is generated once into a cache dir
// ($BERTH_BENCH_CACHE or $TMPDIR/berth-bench-cache) and pushed to a fresh docker-registry on 127.0.0.1.
// Each run removes the image first, so every pull fetches and unpacks all layers. One untimed pull
// per engine warms the registry's page cache. Docker Engine is measured only when
// /var/run/docker.sock answers (start it with `dockerd >/tmp/dockerd.log 2>&1 &`); dockerd treats
// 127.0.0.1 registries as insecure by itself. berthd is dist/runtime.js: run `node scripts/build.mjs` first.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pushImage } from '../runtime/registry/push.js';
import { runDocker, startDaemon, type RunResult } from '../test/helpers/daemon.js';
import { DirBlobStore } from '../test/runtime/registry/helpers/dir-blob-store.js';
import { writeImage, writeLayer, type BuiltImage, type LayerFile } from '../test/runtime/registry/helpers/image-builder.js';
import { registryBinary, startLocalRegistry } from '../test/runtime/registry/helpers/local-registry.js';

const LAYERS = 5;
const LAYER_BYTES = 40 * 1000 * 1000;
const FILE_BYTES = 4 * 1000 * 1000;
const REPOSITORY = 'berth/bench-pull';
const TAG = 'v1';

/** Runs the docker CLI against one engine. */
type Cli = (args: string[]) => Promise<RunResult>;

export async function run(args: string[] = []): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 5) || 5);
  const binary = registryBinary();
  if (!binary) {
    console.error('bench pull: docker-registry is not installed (apt-get install -y docker-registry)');
    process.exitCode = 1;
    return;
  }
  const { store, image } = await cachedImage();
  const total = image.layers.reduce((n, l) => n + l.size, 0);
  console.log(`image: ${image.layers.length} layers, ${(total / 1e6).toFixed(1)} MB compressed, manifest ${image.manifestDigest}`);

  const registry = await startLocalRegistry(binary);
  const berthd = await startDaemon();
  try {
    const ref = { registry: registry.host, repository: REPOSITORY, tag: TAG };
    await pushImage(ref, image, { source: store, progress: () => {} });
    const name = `${registry.host}/${REPOSITORY}:${TAG}`;

    const engines: Engine[] = [
      { label: 'Berth (berthd)', cli: (a) => berthd.docker(a), pid: berthd.process.pid, times: [], cpu: [] },
    ];
    if (await dockerAnswers()) {
      const cli: Cli = (a) => runDocker(a, { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' });
      engines.push({ label: 'Docker Engine (dockerd)', cli, pid: dockerdPid(), times: [], cpu: [] });
    }
    // One warm-up pull each (the registry's files into the page cache), not counted.
    for (const e of engines) {
      await timedPull(e, name);
      e.times.length = 0;
      e.cpu.length = 0;
    }
    // Alternating runs, so drift on a shared machine hits both engines alike.
    for (let i = 0; i < runs; i++) for (const e of engines) await timedPull(e, name);
    for (const e of engines) await e.cli(['rmi', '-f', name]);

    const rows: string[][] = [['engine', `median of ${runs} (ms)`, 'runs (ms)', 'MB/s', 'engine CPU per pull (ms, median)']];
    for (const e of engines) {
      const m = median(e.times);
      rows.push([e.label, m.toFixed(0), e.times.map((t) => t.toFixed(0)).join(' '), (total / 1e3 / m).toFixed(0), e.cpu.length ? median(e.cpu).toFixed(0) : 'n/a']);
    }
    printTable(rows);
    console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other work on the machine slows both engines)`);
    const [berth, docker] = engines;
    if (docker && berth) console.log(`ratio Berth / Docker Engine: ${(median(berth.times) / median(docker.times)).toFixed(2)}x (target <= 0.7x)`);
    else console.log('Docker Engine not measured: /var/run/docker.sock does not answer (start it: dockerd >/tmp/dockerd.log 2>&1 &)');
  } finally {
    await berthd.stop();
    await berthd.cleanup();
    await registry.stop();
  }
}

interface Engine {
  label: string;
  cli: Cli;
  /** The daemon process, for its CPU time (with its reaped children: dockerd unpacks in child processes). */
  pid: number | undefined;
  times: number[];
  cpu: number[];
}

/** Removes the image, then times one `docker pull` of it (checking it really arrived). */
async function timedPull(e: Engine, name: string): Promise<void> {
  await e.cli(['rmi', '-f', name]);
  const cpuBefore = cpuMs(e.pid);
  const start = process.hrtime.bigint();
  const r = await e.cli(['pull', '-q', name]);
  const took = ms(process.hrtime.bigint() - start);
  const cpuAfter = cpuMs(e.pid);
  if (r.code !== 0) throw new Error(`docker pull failed: ${r.stderr}`);
  const inspect = await e.cli(['image', 'inspect', '--format', '{{len .RootFS.Layers}}', name]);
  if (inspect.stdout.trim() !== String(LAYERS)) throw new Error(`pulled image has ${inspect.stdout.trim()} layers, expected ${LAYERS}: ${inspect.stderr}`);
  e.times.push(took);
  if (cpuBefore !== undefined && cpuAfter !== undefined) e.cpu.push(cpuAfter - cpuBefore);
}

/** utime + stime + cutime + cstime of a process, in ms (clock ticks of 10 ms, as on Linux). */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  } catch {
    return undefined;
  }
}

function dockerdPid(): number | undefined {
  try {
    return Number(readFileSync('/var/run/docker.pid', 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** The benchmark image, built once: 5 layers of ten 4 MB random files each. */
async function cachedImage(): Promise<{ store: DirBlobStore; image: BuiltImage }> {
  const dir = join(process.env.BERTH_BENCH_CACHE ?? join(tmpdir(), 'berth-bench-cache'), 'pull-200mb');
  await mkdir(dir, { recursive: true });
  const store = await DirBlobStore.create(dir);
  const recordPath = join(dir, 'image.json');
  if (existsSync(recordPath)) {
    const record = JSON.parse(await readFile(recordPath, 'utf8')) as Omit<BuiltImage, 'manifest' | 'config'> & { manifest: string; config: string };
    const image: BuiltImage = { ...record, manifest: Buffer.from(record.manifest, 'base64'), config: Buffer.from(record.config, 'base64') };
    if ([image.configDigest, ...image.layers.map((l) => l.digest)].every((d) => existsSync(store.path(d)))) return { store, image };
  }
  console.log(`generating the benchmark image in ${dir} (once)...`);
  const layers = [];
  for (let i = 0; i < LAYERS; i++) {
    const files: LayerFile[] = [];
    for (let f = 0; f < LAYER_BYTES / FILE_BYTES; f++) files.push({ name: `layer${i}/file${f}.bin`, data: randomBytes(FILE_BYTES) });
    layers.push(await writeLayer(store, files));
  }
  const image = await writeImage(store, layers);
  await writeFile(recordPath, JSON.stringify({ ...image, manifest: image.manifest.toString('base64'), config: image.config.toString('base64') }));
  return { store, image };
}

function dockerAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: '/var/run/docker.sock', path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function printTable(rows: string[][]): void {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const [i, r] of rows.entries()) {
    console.log(`| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
}
