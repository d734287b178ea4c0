// Where compose-up's time goes: `up -d` and `down` of its project (the issue's scenario) through a tracing
// proxy (a separate process: the tools run under spawnSync), printing each Engine API request as
// `ms-after-the-command-started +duration status method path`, then the containers' created/started times
// and db's health probes as each engine recorded them. Not in the bench list (leading _).
//   npm run bench -- _trace-compose [rounds] [berth|docker]
// TRACE_STRACE=FILE: berthd's child processes (ip, iptables, runc...) under strace -f -ttt -e execve,exit_group,
// with a `t0` line per command to line them up. TRACE_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=DIR": node
// flags for berth-compose.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, dockerEngine, shareImage } from '../test/runtime/containers/docker-engine.js';

const BERTH_COMPOSE = resolve(__dirname, '../dist/berth-compose.js');
const src = readFileSync(resolve(__dirname, 'compose-up.ts'), 'utf8');
const COMPOSE_FILE = src.slice(src.indexOf('`services:') + 1, src.indexOf('`;', src.indexOf('`services:'))).replaceAll('${BENCH_IMAGE}', BENCH_IMAGE);

const PROXY = `// HTTP tracing proxy: listens on argv[2] (unix socket), forwards to argv[3]; logs to argv[4] as JSON lines.
import http from 'node:http';
import fs from 'node:fs';
const [listen, target, logFile] = process.argv.slice(2);
try { fs.unlinkSync(listen); } catch {}
const log = fs.createWriteStream(logFile, { flags: 'a' });
const agent = new http.Agent({ keepAlive: true, socketPath: target, maxSockets: 64 });
const srv = http.createServer((req, res) => {
  const t0 = Date.now();
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const up = http.request({ agent, socketPath: target, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const t1 = Date.now();
      res.writeHead(ur.statusCode, ur.headers); res.flushHeaders();
      ur.pipe(res);
      ur.on('end', () => log.write(JSON.stringify({ t0, t1, t2: Date.now(), m: req.method, u: req.url, s: ur.statusCode }) + '\\n'));
    });
    up.on('error', (e) => { res.statusCode = 502; res.end(String(e)); });
    up.end(body);
  });
});
srv.listen(listen, () => { fs.chmodSync(listen, 0o666); console.log('ready'); });
`;

async function proxy(dir: string, listen: string, target: string, log: string) {
  const script = join(dir, 'proxy.mjs');
  writeFileSync(script, PROXY);
  const p = spawn(process.execPath, [script, listen, target, log], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => p.stdout!.once('data', r));
  return p;
}

function show(label: string, t0: number, t3: number, log: string) {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  writeFileSync(log, '');
  console.log(`--- ${label}: ${t3 - t0} ms`);
  for (const l of lines.sort((a, b) => a.t0 - b.t0)) console.log(`${String(l.t0 - t0).padStart(6)} +${String(l.t2 - l.t0).padStart(5)}  ${l.s} ${l.m} ${l.u.replace(/\?.*/, (q: string) => decodeURIComponent(q).slice(0, 80))}`);
}

export async function run(args: string[] = []) {
  const rounds = Number(args[0] ?? 2);
    const dir = mkdtempSync(join(tmpdir(), 'berth-trace-'));
  const file = join(dir, 'compose.yaml');
  writeFileSync(file, COMPOSE_FILE);
  const berth = await startEngine();
  const docker = await dockerEngine();
  await shareImage(berth, docker);
  const bsock = join(dir, 'b.sock'), dsock = join(dir, 'd.sock'), blog = join(dir, 'b.log'), dlog = join(dir, 'd.log');
  const p1 = await proxy(dir, bsock, berth.socket, blog);
  const p2 = await proxy(dir, dsock, '/var/run/docker.sock', dlog);
  const project = `trace${process.pid}`;
  let strace: ReturnType<typeof spawn> | undefined;
  if (process.env.TRACE_STRACE) {
    const pid = spawnSync('pgrep', ['-f', `runtime.js --socket ${berth.socket}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    strace = spawn('strace', ['-f', '-ttt', '-s', '200', '-e', 'trace=execve,exit_group', '-o', process.env.TRACE_STRACE, '-p', pid], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 1000));
  }
  const tools = [
    { name: 'berth', cmd: [process.execPath, ...(process.env.TRACE_NODE_OPTIONS?.split(' ') ?? []), BERTH_COMPOSE], env: { ...berth.env, DOCKER_HOST: `unix://${bsock}` }, log: blog, direct: berth.env },
    { name: 'docker', cmd: ['/usr/bin/docker-compose'], env: { ...docker!.env, DOCKER_HOST: `unix://${dsock}` }, log: dlog, direct: docker!.env },
  ].filter((t) => !args[1] || t.name === args[1]);
  try {
    for (let i = 0; i < rounds; i++) {
      for (const t of tools) {
        for (const op of [['up', '-d'], ['down']]) {
          const t0 = Date.now();
          console.log(`t0 ${t0 / 1000}`);
          const r = spawnSync(t.cmd[0], [...t.cmd.slice(1), '-f', file, '-p', project, ...op], { env: t.env, encoding: 'utf8' });
          const t3 = Date.now();
          if (r.status !== 0) throw new Error(r.stderr);
          show(`${t.name} ${op.join(' ')} (round ${i})`, t0, t3, t.log);
          if (op[0] === 'up') {
            const ids = spawnSync('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`], { env: t.direct, encoding: 'utf8' }).stdout.trim().split('\n');
            const js = JSON.parse(spawnSync('docker', ['inspect', ...ids], { env: t.direct, encoding: 'utf8' }).stdout);
            for (const c of js) {
              const st = Date.parse(c.State.StartedAt) - t0;
              const h = (c.State.Health?.Log ?? []).map((l: { Start: string; End: string }) => `${Date.parse(l.Start) - t0}-${Date.parse(l.End) - t0}`);
              console.log(`   ${c.Name} created ${Date.parse(c.Created) - t0} started ${st}${h.length ? ` probes ${h.join(' ')}` : ''}`);
            }
          }
        }
      }
    }
  } finally {
    for (const t of tools) spawnSync(t.cmd[0], [...t.cmd.slice(1), '-f', file, '-p', project, 'down'], { env: t.direct });
    p1.kill(); p2.kill(); strace?.kill('SIGINT');
    await berth.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
