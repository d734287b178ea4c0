// A berthd for container integration tests and benchmarks: its own temp root, socket and network
// prefix (bridge, iptables chain, netns and cgroup names), the busybox image imported, a docker CLI
// and a dockerode client pointed at it; kill -9 and restart on the same root; and a cleanup that
// removes what the daemon left on the host (containers, bridge, iptables rules, cgroups).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { berthdProcess, RUNTIME_BUNDLE } from '../../helpers/berthd-process.js';
import { teardownDaemonHost } from '../../helpers/host-teardown.js';
import { removeAtExit } from '../../helpers/temp-dir.js';
import { runDocker, type RunResult } from '../../helpers/daemon.js';

export interface Engine {
  root: string;
  socket: string;
  prefix: string;
  client: Docker;
  env: NodeJS.ProcessEnv;
  docker(args: string[], opts?: { input?: Buffer | string }): Promise<RunResult>;
  /** kill -9 of the daemon (containers keep running under their monitors). */
  crash(): Promise<void>;
  /** Starts the daemon again on the same root and socket. */
  restart(): Promise<void>;
  /** Daemon stderr so far (for assertion messages). */
  log(): string;
  /** Removes containers, stops the daemon, tears down networking and cgroups, deletes the root. */
  dispose(): Promise<void>;
}

/** undefined when the host can run these tests, else what is missing; `extra` adds [command, package] pairs. */
export function missingForEngine(extra: readonly (readonly [string, string])[] = []): string | undefined {
  if (process.getuid?.() !== 0) return 'root';
  for (const [bin, pkg] of [['runc', 'runc'], ['docker', 'docker.io (the docker CLI)'], ['iptables', 'iptables'], ...extra] as const) {
    try { execFileSync(bin, ['--version'], { stdio: 'ignore' }); } catch { return pkg; }
  }
  if (!existsSync('/bin/busybox')) return 'busybox-static (/bin/busybox)';
  if (!existsSync(RUNTIME_BUNDLE)) return `${RUNTIME_BUNDLE} (run node scripts/build.mjs)`;
  return undefined;
}

/** node:test options: skip with a reason locally, fail under CI=true when something is missing. */
export function engineTestOptions(extra: readonly (readonly [string, string])[] = []): { skip?: string } {
  const missing = missingForEngine(extra);
  if (!missing) return {};
  if (process.env.CI === 'true') throw new Error(`prerequisite missing: ${missing} (CI=true, so this fails instead of skipping)`);
  return { skip: `needs ${missing}` };
}

/** `args`: more berthd options (e.g. --seccomp-profile unconfined). */
/** `root`: the daemon's root (e.g. on a small tmpfs), instead of one in the temp folder. */
/** `daemonEnv`: more environment for berthd only (e.g. BERTH_ID_SHIFT, which forces a way of making roots). */
export async function startEngine(opts: { importBusybox?: boolean; args?: string[]; root?: string; daemonEnv?: NodeJS.ProcessEnv } = {}): Promise<Engine> {
  // Removed by dispose(); at exit too, for a test that ends before it disposes.
  const base = removeAtExit(mkdtempSync(join(tmpdir(), 'berth-ct-')));
  const root = opts.root ?? join(base, 'root');
  const socket = join(base, 'engine.sock');
  // Letters then digits, at most 6: interface names are limited to 15 bytes.
  const prefix = `t${randomBytes(3).readUIntBE(0, 3).toString(36).slice(0, 5)}`;
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(base, 'docker-config'), DOCKER_BUILDKIT: '0' };
  const daemon = berthdProcess({ args: ['--socket', socket, '--root', root, '--net-prefix', prefix, ...(opts.args ?? [])], env: opts.daemonEnv });
  const launch = async (): Promise<void> => { await daemon.start(); };
  try {
    await launch();
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }

  const engine: Engine = {
    root, socket, prefix, env,
    client: new Docker({ socketPath: socket }),
    docker: (args, o = {}) => runDocker(args, env, o.input),
    async crash() { await daemon.stop('SIGKILL'); },
    restart: launch,
    log: daemon.log,
    async dispose() {
      if (daemon.running()) {
        const ids = (await engine.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await engine.docker(['rm', '-f', '-v', ...ids]);
        await daemon.stop('SIGTERM');
      }
      await teardownDaemonHost(root, prefix);
      rmSync(base, { recursive: true, force: true });
    },
  };
  if (opts.importBusybox !== false) await importBusybox(engine);
  return engine;
}

export async function importBusybox(e: Engine, tag = 'busybox:latest'): Promise<string> {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const r = await e.docker(['import', '-', tag], { input: await busyboxRootfsTar() });
  if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Polls `probe` (no fixed sleeps) until it returns a value, or fails with `what` after `ms`. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) { last = err; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
