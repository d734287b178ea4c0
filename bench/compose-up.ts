// `up -d` and `down` of a 5-service project (no builds; `api` waits for `db` to be healthy): berth-compose
// (`node dist/berth-compose.js`, a fresh process each time as a user runs it) on a bundled engine started
// here, side by side with Debian's docker-compose 1.29 (/usr/bin/docker-compose) on Docker Engine.
// Rounds interleaved so both see the same machine load. Target: Berth's `up -d` and `down` each at most
// 0.35x Docker's time.   npm run bench -- compose-up [rounds]
// Needs root, runc and `node scripts/build.mjs` (dist/runtime.js, dist/berth-compose.js); Docker's side
// runs when /var/run/docker.sock answers and /usr/bin/docker-compose exists.
// Measured 2026-12-07 on the shared 2-core machine (load average 8-13): up -d 2.9 s vs 4.3-6.4 s (0.46-0.68x),
// down 1.1 s vs 2.4-3.1 s (0.35-0.46x). After down's parallel removals, the code cache and the parallel iptables
// deletes: load 15-19: up -d 5.6 s vs 10.8 s (0.52x), down 1.8 s vs 6.2 s (0.29x); load 10-14: up -d 3.0 s vs
// 4.6 s (0.66x), down 1.1 s vs 2.2 s (0.49x). One traced down at load 13: 0.62 s (0.25 s to the first stop, stops
// and removals 0.19 s, the network 0.17 s). up's critical path is berthd's container start (0.3-2.3 s each,
// by load) plus the 1 s healthcheck interval. Where Berth's up -d goes (one traced run): ~0.5 s before the first
// request (node start, bundle load, project load), db started 0.5 s later, healthy 1.07 s after that (the
// healthcheck's 1 s interval), api and web started in 0.4 s and 0.25 s (berthd's create + start); down: ~0.5 s
// before the first stop, stops 0.26 s, the network 0.24 s (berthd).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEngine } from '../test/runtime/containers/engine-fixture.js';
import { BENCH_IMAGE, dockerEngine, median, shareImage } from '../test/runtime/containers/docker-engine.js';

const BERTH_COMPOSE = resolve(__dirname, '../dist/berth-compose.js');
const DOCKER_COMPOSE = '/usr/bin/docker-compose';
const WARMUP = 1;

// Every service's main process ends on SIGTERM at once (a shell waiting on a child), as servers do: `down`
// then measures the tools, not a 10 s grace period.
const COMPOSE_FILE = `services:
  db:
    image: ${BENCH_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
      timeout: 2s
      retries: 5
  cache:
    image: ${BENCH_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
  api:
    image: ${BENCH_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    depends_on:
      db:
        condition: service_healthy
      cache:
        condition: service_started
  worker:
    image: ${BENCH_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    depends_on: [db]
  web:
    image: ${BENCH_IMAGE}
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    depends_on: [api]
`;

interface Scenario {
  readonly name: string;
  readonly file: string;
  /** Whether api waits for db's health (the scenario). */
  readonly healthWait: boolean;
}

// The scenario, as written; and beside it (not instead of it) the same project with api waiting for
// db to have started, not to be healthy: both tools do the same work, without the 1 s both must wait out.
const SCENARIOS: readonly Scenario[] = [
  { name: 'issue: api waits for db healthy', file: COMPOSE_FILE, healthWait: true },
  { name: 'variant: api waits for db started', file: COMPOSE_FILE.replace('condition: service_healthy', 'condition: service_started'), healthWait: false },
];

interface Tool {
  name: string;
  cmd: string[];
  env: NodeJS.ProcessEnv;
}

function timed(tool: Tool, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(tool.cmd[0], [...tool.cmd.slice(1), ...args], { env: tool.env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${tool.name} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

interface Inspected {
  Name: string;
  Config: { Labels: Record<string, string> };
  State: { Running: boolean; StartedAt: string; Health?: { Log?: { Start: string; End: string }[] } };
}

function projectContainers(tool: Tool, project: string): Inspected[] {
  const ids = spawnSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`], { env: tool.env, encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  if (!ids.length) return [];
  return JSON.parse(spawnSync('docker', ['inspect', ...ids], { env: tool.env, encoding: 'utf8' }).stdout) as Inspected[];
}

/**
 * db's health wait as its engine recorded it: from db's start to its first probe's start (Docker: one
 * interval, 1 s) and to that probe's end (the earliest moment api may start).
 */
function healthWait(containers: readonly Inspected[]): { toFirstProbe: number; toHealthy: number } | undefined {
  const db = containers.find((c) => c.Config.Labels['com.docker.compose.service'] === 'db');
  const probe = db?.State.Health?.Log?.[0];
  if (!db || !probe) return undefined;
  const started = Date.parse(db.State.StartedAt);
  return { toFirstProbe: Date.parse(probe.Start) - started, toHealthy: Date.parse(probe.End) - started };
}

interface Times { up: number[]; down: number[]; firstProbe: number[]; notHealthWait: number[] }

export async function run(args: string[] = []): Promise<void> {
  const rounds = Math.max(1, Number(args[0] ?? 7) || 7);
  if (!existsSync(BERTH_COMPOSE)) throw new Error('dist/berth-compose.js is missing: run node scripts/build.mjs first');
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-compose-'));
  const berth = await startEngine();
  const docker = existsSync(DOCKER_COMPOSE) ? await dockerEngine() : undefined;
  const project = `benchcompose${process.pid}`;
  const tools: Tool[] = [{ name: 'berth-compose', cmd: [process.execPath, BERTH_COMPOSE], env: berth.env }];
  if (docker) tools.push({ name: 'docker-compose', cmd: [DOCKER_COMPOSE], env: docker.env });
  const files = SCENARIOS.map((sc, i) => {
    const file = join(dir, `compose-${i}.yaml`);
    writeFileSync(file, sc.file);
    return file;
  });
  const times = SCENARIOS.map(() => new Map(tools.map((t): [string, Times] => [t.name, { up: [], down: [], firstProbe: [], notHealthWait: [] }])));
  const load: number[][] = [];
  try {
    await shareImage(berth, docker);
    for (const [si, sc] of SCENARIOS.entries()) {
      const common = ['-f', files[si], '-p', project];
      for (let i = 0; i < WARMUP + rounds; i++) {
        for (const t of tools) {
          const up = timed(t, [...common, 'up', '-d']);
          const containers = projectContainers(t, project);
          const n = containers.filter((c) => c.State.Running).length;
          if (n !== 5) throw new Error(`${t.name}: ${n} containers running after up -d, expected 5`);
          const down = timed(t, [...common, 'down']);
          if (i < WARMUP) continue;
          const r = times[si].get(t.name)!;
          r.up.push(up);
          r.down.push(down);
          const wait = sc.healthWait ? healthWait(containers) : undefined;
          if (wait) {
            r.firstProbe.push(wait.toFirstProbe);
            r.notHealthWait.push(up - wait.toHealthy);
          }
        }
        load.push(loadavg());
      }
    }
    const nodeStart = median(Array.from({ length: 5 }, () => timed(tools[0], ['version'])));
    const row = (xs: number[]) => (xs.length ? `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})` : '-');
    const ratio = (x: number[], y: number[] | undefined) => (y?.length ? `${(median(x) / median(y)).toFixed(2)}x` : '-');
    const loads = load.map((l) => l[0]);
    console.log(`compose-up: ${rounds} rounds (after ${WARMUP} warm-up) of up -d and down per scenario, 5 services; load average (1 min) ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`);
    for (const [si, sc] of SCENARIOS.entries()) {
      const b = times[si].get('berth-compose')!;
      const d = times[si].get('docker-compose');
      const table: Record<string, { median: string; target: string }> = {
        'berth-compose on berthd: up -d': { median: row(b.up), target: '' },
        'docker-compose 1.29 on Docker: up -d': { median: d ? row(d.up) : 'not measured (no Docker Engine or docker-compose)', target: '' },
        'up -d: Berth / Docker': { median: ratio(b.up, d?.up), target: si === 0 ? '<= 0.35x' : '' },
      };
      if (sc.healthWait) {
        table['berthd: db start to its first probe'] = { median: row(b.firstProbe), target: '' };
        table['Docker: db start to its first probe'] = { median: d ? row(d.firstProbe) : '-', target: '' };
        table['berth-compose: up -d less the health wait'] = { median: row(b.notHealthWait), target: '' };
        table['docker-compose: up -d less the health wait'] = { median: d ? row(d.notHealthWait) : '-', target: '' };
        table['up -d less the wait: Berth / Docker'] = { median: ratio(b.notHealthWait, d?.notHealthWait), target: '' };
      }
      table['berth-compose on berthd: down'] = { median: row(b.down), target: '' };
      table['docker-compose 1.29 on Docker: down'] = { median: d ? row(d.down) : 'not measured', target: '' };
      table['down: Berth / Docker'] = { median: ratio(b.down, d?.down), target: si === 0 ? '<= 0.35x' : '' };
      console.log(`\n${sc.name}`);
      console.table(table);
    }
    console.log(`berth-compose version (node start + load): ${nodeStart.toFixed(0)} ms`);
  } finally {
    for (const t of tools) for (const f of files) spawnSync(t.cmd[0], [...t.cmd.slice(1), '-f', f, '-p', project, 'down'], { env: t.env });
    await berth.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
