// A berthd for build tests and benchmarks: its own temp root, socket and network prefix (bridge,
// iptables chain, netns and cgroup names), busybox imported as BASE, the docker CLI and dockerode
// pointed at it; restart on the same root (after stop or kill -9); cleanup of what it left on the
// host. Also the Docker Engine side of the differential tests.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { berthdProcess } from '../../../helpers/berthd-process.js';
import { teardownDaemonHost } from '../../../helpers/host-teardown.js';
import { runDocker, type RunResult } from '../../../helpers/daemon.js';
import { engineTestOptions } from '../../containers/engine-fixture.js';

export const DOCKER_ENGINE_HOST = 'unix:///var/run/docker.sock';

export interface BuildEngine {
  root: string;
  socket: string;
  host: string;
  /** The daemon's network prefix (bridge, iptables chain, netns and cgroup names). */
  prefix: string;
  client: Docker;
  env: NodeJS.ProcessEnv;
  /** The busybox image's reference (unique per engine). */
  base: string;
  docker(args: string[], opts?: { input?: Buffer | string }): Promise<RunResult>;
  /** SIGKILL (default) or SIGTERM, then wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
  log(): string;
  dispose(): Promise<void>;
}

/** node:test options: skip with a reason locally, fail under CI=true when something is missing. */
export function buildTestOptions(): { skip?: string } {
  return engineTestOptions([['tar', 'tar']]);
}

/** `daemonArgs`: extra berthd options (e.g. `--allow-insecure-entitlement security.insecure`). */
export async function startBuildEngine(daemonArgs: string[] = []): Promise<BuildEngine> {
  const base = mkdtempSync(join(tmpdir(), 'berth-bt-'));
  const root = join(base, 'root');
  const socket = join(base, 'engine.sock');
  const prefix = `b${randomBytes(3).readUIntBE(0, 3).toString(36).slice(0, 5)}`;
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(base, 'docker-config'), DOCKER_BUILDKIT: '0' };
  const daemon = berthdProcess({ args: ['--socket', socket, '--root', root, '--net-prefix', prefix, ...daemonArgs] });
  const launch = async (): Promise<void> => { await daemon.start(); };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => { await daemon.stop(signal); };
  try {
    await launch();
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
  const engine: BuildEngine = {
    root, socket, env, prefix, host: env.DOCKER_HOST,
    base: `berth-test/busybox:${prefix}`,
    client: new Docker({ socketPath: socket }),
    docker: (args, o = {}) => runDocker(args, env, o.input),
    stop,
    restart: launch,
    log: daemon.log,
    async dispose() {
      await stop('SIGTERM');
      killSpareMonitors(root);
      await teardownDaemonHost(root, prefix);
      rmSync(base, { recursive: true, force: true });
    },
  };
  const { busyboxRootfsTar } = await import('../../../../scripts/lib/busybox-rootfs.mjs');
  const r = await engine.docker(['import', '-', engine.base], { input: await busyboxRootfsTar() });
  if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
  return engine;
}

/**
 * The daemon keeps a warm container monitor in reserve; after a kill -9 (and on some stops) it
 * outlives the daemon. It is found by its socket under this engine's root.
 */
function killSpareMonitors(root: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.includes('berth-monitor') && cmdline.includes(`${root}/run/`)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

/** True when Docker Engine answers on /var/run/docker.sock. */
export function dockerEngineAnswers(): Promise<boolean> {
  return new Promise((done) => {
    const req = http.get({ socketPath: '/var/run/docker.sock', path: '/_ping', timeout: 3000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('timeout', () => { req.destroy(); done(false); });
    req.on('error', () => done(false));
  });
}

/** The docker CLI against Docker Engine (legacy builder). */
export function dockerEngine(args: string[], input?: Buffer | string): Promise<RunResult> {
  return runDocker(args, { ...process.env, DOCKER_HOST: DOCKER_ENGINE_HOST, DOCKER_BUILDKIT: '0' }, input);
}

/** Copies `engine`'s base image into Docker Engine under the same name (docker save | docker load). */
export async function shareBaseWithDockerEngine(engine: BuildEngine): Promise<void> {
  const saved = await new Promise<Buffer>((done, fail) => {
    const c = spawn('docker', ['save', engine.base], { env: engine.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.on('error', fail);
    c.on('close', (code) => (code === 0 ? done(Buffer.concat(out)) : fail(new Error(`docker save exited ${code}`))));
  });
  const r = await dockerEngine(['load'], saved);
  if (r.code !== 0) throw new Error(`docker load into Docker Engine failed: ${r.stderr}`);
}

/** The image IDs a legacy build printed (` ---> <id>` lines), for removing exactly what it made. */
export function printedImageIds(output: string): string[] {
  return [...new Set([...output.matchAll(/^ ---> ([0-9a-f]{12})$/gm)].map((m) => m[1]))];
}

/**
 * Removes from Docker Engine the images a test or benchmark built there (children first), and the
 * shared base image; other images on the shared engine are left alone.
 */
export async function removeFromDockerEngine(ids: Iterable<string>, refs: string[]): Promise<void> {
  for (const id of [...new Set(ids)].reverse()) await dockerEngine(['rmi', '-f', id]);
  // Last, so the base image has no children left and goes too (not just its tag).
  if (refs.length) await dockerEngine(['rmi', '-f', ...refs]);
}
