// Where one `docker run --rm IMAGE true` spends its time on each engine: the docker CLI's requests
// (create, attach, wait?condition=removed, start; see shared reference 1.8) sent over the engine's
// socket in the same order, each step timed, and the time the CLI itself adds (`docker run` minus
// these requests, measured with the real CLI in the same run). Berth and Docker Engine alternate.
// `npm run bench -- run-rm-profile [RUNS]`.
import { request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, DOCKER_SOCKET, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

interface Reply { status: number; body: string }

function call(socketPath: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath, method, path, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** The hijacked attach connection: resolves once upgraded; `closed` resolves when the engine closes it. */
function attach(socketPath: string, id: string): Promise<{ closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const req = request({
      socketPath, method: 'POST', path: `/v1.41/containers/${id}/attach?stderr=1&stdout=1&stream=1`,
      headers: { Connection: 'Upgrade', Upgrade: 'tcp', 'Content-Type': 'text/plain', 'Content-Length': 0 },
    });
    req.on('upgrade', (_res: IncomingMessage, socket: Socket) => {
      socket.end(); // no stdin: the CLI half-closes at once
      const closed = new Promise<void>((done) => { socket.on('close', () => done()); socket.resume(); });
      resolve({ closed });
    });
    req.on('response', (res) => reject(new Error(`attach answered ${res.statusCode}, not 101`)));
    req.on('error', reject);
    req.end();
  });
}

/** wait?condition=removed: resolves when the headers arrive; `body` when the container is gone. */
function waitRemoved(socketPath: string, id: string): Promise<{ body: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: `/v1.41/containers/${id}/wait?condition=removed` }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const body = new Promise<string>((done) => { res.on('data', (c: string) => { text += c; }); res.on('end', () => done(text)); });
      resolve({ body });
    });
    req.on('error', reject);
    req.end();
  });
}

const STEPS = ['create', 'attach', 'wait headers', 'start', 'start → attach closed', 'attach closed → removed', 'total'] as const;
type Step = typeof STEPS[number];

async function oneRun(socketPath: string): Promise<Record<Step, number>> {
  const t: number[] = [performance.now()];
  const created = await call(socketPath, 'POST', '/v1.41/containers/create', {
    Image: BENCH_IMAGE, Cmd: ['true'], AttachStdout: true, AttachStderr: true, HostConfig: { AutoRemove: true },
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.body}`);
  const id = (JSON.parse(created.body) as { Id: string }).Id;
  t.push(performance.now());
  const a = await attach(socketPath, id);
  t.push(performance.now());
  const w = await waitRemoved(socketPath, id);
  t.push(performance.now());
  const started = await call(socketPath, 'POST', `/v1.41/containers/${id}/start`);
  if (started.status !== 204) throw new Error(`start: ${started.status} ${started.body}`);
  t.push(performance.now());
  await a.closed;
  t.push(performance.now());
  const body = await w.body;
  if (!/"StatusCode":0/.test(body)) throw new Error(`wait: ${body}`);
  t.push(performance.now());
  const out = {} as Record<Step, number>;
  STEPS.slice(0, -1).forEach((s, i) => { out[s] = t[i + 1] - t[i]; });
  out.total = t[t.length - 1] - t[0];
  return out;
}

function cliRun(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const r = spawnSync('docker', ['run', '--rm', BENCH_IMAGE, 'true'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker run --rm failed (${r.status}): ${r.stderr}`);
  return performance.now() - t0;
}

/** The CLI's own start and exit with no engine work: `docker version --format` of the client only. */
function cliFloor(env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  spawnSync('docker', ['version', '--format', '{{.Client.Version}}'], { env: { ...env, DOCKER_HOST: 'unix:///nonexistent' }, encoding: 'utf8' });
  return performance.now() - t0;
}

export async function run(args: string[] = []): Promise<void> {
  const runs = Number(args[0] ?? 20);
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const berth = await startEngine();
  const docker = await dockerEngine();
  try {
    await shareImage(berth, docker);
    const sides = [{ name: 'berthd', socket: berth.socket, env: berth.env }, ...(docker ? [{ name: 'Docker Engine', socket: DOCKER_SOCKET, env: docker.env }] : [])];
    const steps: Record<string, Record<Step, number[]>> = {};
    const cli: Record<string, number[]> = {};
    for (const s of sides) {
      steps[s.name] = Object.fromEntries(STEPS.map((k) => [k, [] as number[]])) as Record<Step, number[]>;
      cli[s.name] = [];
      await oneRun(s.socket); // warm-up
      cliRun(s.env);
    }
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      for (const s of sides) {
        const r = await oneRun(s.socket);
        for (const k of STEPS) steps[s.name][k].push(r[k]);
        cli[s.name].push(cliRun(s.env));
      }
      floor.push(cliFloor(berth.env));
    }
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`run-rm-profile: one docker run --rm ${BENCH_IMAGE} true, median of ${runs} runs per engine in ms (load before ${loadBefore}, after ${load})`);
    const table: Record<string, Record<string, string>> = {};
    for (const k of STEPS) table[`API: ${k}`] = Object.fromEntries(sides.map((s) => [s.name, median(steps[s.name][k]).toFixed(1)]));
    table['docker run --rm (real CLI)'] = Object.fromEntries(sides.map((s) => [s.name, median(cli[s.name]).toFixed(1)]));
    table['CLI start and exit alone'] = Object.fromEntries(sides.map((s) => [s.name, s.name === 'berthd' ? median(floor).toFixed(1) : '']));
    console.table(table);
  } finally {
    await berth.dispose();
  }
}
