// Pull of a ~200 MB image in 5 layers from a local docker-registry: Berth's registry client vs
// Docker Engine's `docker pull`.
//   npm run bench -- pull [runs]
// The image (incompressible random data, gzip'd tar layers) is generated once into a cache dir
// ($BERTH_BENCH_CACHE or $TMPDIR/berth-bench-cache). Docker Engine is measured only when
// /var/run/docker.sock answers (start it with `dockerd >/tmp/dockerd.log 2>&1 &`); dockerd treats
// 127.0.0.1 registries as insecure by itself.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullImage } from '../runtime/registry/pull.js';
import { pushImage } from '../runtime/registry/push.js';
import { DirBlobStore } from '../test/runtime/registry/helpers/dir-blob-store.js';
import { writeImage, writeLayer, type BuiltImage, type LayerFile } from '../test/runtime/registry/helpers/image-builder.js';
import { registryBinary, startLocalRegistry } from '../test/runtime/registry/helpers/local-registry.js';

const LAYERS = 5;
const LAYER_BYTES = 40 * 1000 * 1000;
const FILE_BYTES = 4 * 1000 * 1000;
const REPOSITORY = 'berth/bench-pull';
const TAG = 'v1';

export async function run(args: string[] = []): Promise<void> {
  const runs = Math.max(1, Number(args[0] ?? 3) || 3);
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
  try {
    const ref = { registry: registry.host, repository: REPOSITORY, tag: TAG };
    const pushStart = process.hrtime.bigint();
    await pushImage(ref, image, { source: store, progress: () => {} });
    console.log(`pushed to ${registry.host} with Berth's client in ${ms(process.hrtime.bigint() - pushStart).toFixed(0)} ms`);

    const berth: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = await mkdtemp(join(tmpdir(), 'berth-bench-sink-'));
      try {
        const sink = await DirBlobStore.create(dir);
        const start = process.hrtime.bigint();
        const pulled = await pullImage(ref, { platform: { os: 'linux', architecture: 'amd64' }, sink, progress: () => {} });
        berth.push(ms(process.hrtime.bigint() - start));
        if (pulled.manifestDigest !== image.manifestDigest) throw new Error('pulled a different manifest');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }

    const docker = (await dockerAnswers()) ? dockerPulls(`${registry.host}/${REPOSITORY}:${TAG}`, runs) : undefined;

    const berthMs = median(berth);
    const rows: [string, string, string, string][] = [
      ['client', `median of ${runs} (ms)`, 'runs (ms)', 'MB/s'],
      ['Berth registry client (download + verify + store blobs)', berthMs.toFixed(0), berth.map((t) => t.toFixed(0)).join(' '), (total / 1e3 / berthMs).toFixed(0)],
    ];
    if (docker) {
      const dockerMs = median(docker);
      rows.push(['docker pull, Docker Engine (download + verify + unpack)', dockerMs.toFixed(0), docker.map((t) => t.toFixed(0)).join(' '), (total / 1e3 / dockerMs).toFixed(0)]);
      printTable(rows);
      console.log(`ratio Berth / Docker Engine: ${(berthMs / dockerMs).toFixed(2)}x (target <= 0.7x)`);
      console.log('note: Docker also decompresses and unpacks the layers into its storage driver; Berth\'s client stops at verified blobs');
      console.log('      (the image store unpacks afterwards; time berthd end to end once its daemon exists).');
    } else {
      printTable(rows);
      console.log('Docker Engine not measured: /var/run/docker.sock does not answer (start it: dockerd >/tmp/dockerd.log 2>&1 &)');
    }
  } finally {
    await registry.stop();
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

function dockerPulls(name: string, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    spawnSync('docker', ['rmi', '-f', name], { stdio: 'ignore' });
    const start = process.hrtime.bigint();
    const r = spawnSync('docker', ['pull', '-q', name], { encoding: 'utf8' });
    const took = ms(process.hrtime.bigint() - start);
    if (r.status !== 0) throw new Error(`docker pull failed: ${r.stderr}`);
    times.push(took);
  }
  spawnSync('docker', ['rmi', '-f', name], { stdio: 'ignore' });
  return times;
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
