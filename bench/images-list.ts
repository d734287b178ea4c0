// GET /images/json with 1,000 images in the store. Target: under 20 ms.
import { request } from 'node:http';
import { startDaemon } from '../test/helpers/daemon.js';
import { makeTar } from '../test/helpers/tar-builder.js';

const IMAGES = 1000;
const ROUNDS = 50;

function call(socketPath: string, method: string, path: string, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run(): Promise<void> {
  const d = await startDaemon();
  try {
    const fillStart = performance.now();
    for (let i = 0; i < IMAGES; i++) {
      const tar = await makeTar([{ name: `etc/image-${i}`, content: `image ${i}\n` }]);
      const r = await call(d.socket, 'POST', `/v1.41/images/create?fromSrc=-&repo=bench/img&tag=${i}&changes=${encodeURIComponent(`LABEL n=${i}`)}`, tar);
      if (r.status !== 200) throw new Error(`import ${i} failed: ${r.body}`);
    }
    const fillMs = performance.now() - fillStart;
    const times: number[] = [];
    let count = 0;
    for (let i = 0; i < ROUNDS + 5; i++) {
      const t0 = performance.now();
      const r = await call(d.socket, 'GET', '/v1.41/images/json');
      const dt = performance.now() - t0;
      count = (JSON.parse(r.body.toString()) as unknown[]).length;
      if (i >= 5) times.push(dt); // the first rounds warm up the JIT
    }
    times.sort((a, b) => a - b);
    const rows = [
      ['images in store', String(count)],
      ['GET /images/json median', `${percentile(times, 50).toFixed(1)} ms`],
      ['GET /images/json p95', `${percentile(times, 95).toFixed(1)} ms`],
      ['target', '< 20 ms'],
      ['(setup) 1,000 imports', `${(fillMs / 1000).toFixed(1)} s`],
    ];
    console.log('images-list: Berth engine, 1,000 images, 50 rounds');
    console.table(Object.fromEntries(rows.map(([k, v]) => [k, { value: v }])));
  } finally {
    await d.stop();
    await d.cleanup();
  }
}
