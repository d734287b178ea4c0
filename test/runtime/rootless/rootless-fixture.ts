// A rootless berthd for integration tests: a throwaway user (useradd with a unique name, its own
// /etc/subuid and /etc/subgid ranges), berthd started as that user with setpriv, the docker CLI
// pointed at the user's socket. Cleanup stops the daemon, ends every process the user still has
// (by pid), deletes the user (userdel drops its subordinate ids too) and the temp folder.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { berthdProcess, RUNTIME_BUNDLE } from '../../helpers/berthd-process.js';
import { runDocker, type RunResult } from '../../helpers/daemon.js';
import { inCI } from '../../helpers/prereqs.js';
import { createThrowawayUser } from './throwaway-user.js';

export { createThrowawayUser, type ThrowawayUser } from './throwaway-user.js';

export interface RootlessEngine {
  user: string;
  uid: number;
  gid: number;
  base: string;
  socket: string;
  env: NodeJS.ProcessEnv;
  /** The daemon's first stdout line. */
  ready: string;
  docker(args: string[], opts?: { input?: Buffer | string }): Promise<RunResult>;
  log(): string;
  /**
   * SIGTERM of the daemon (containers keep running under their monitors), then a new start. With
   * `signal`, the launcher gets that signal instead (SIGKILL: a crash of what the user started).
   */
  restart(opts?: { signal?: NodeJS.Signals }): Promise<void>;
  /** The launcher's pid: the process the user started. */
  launcherPid(): number | undefined;
  dispose(): Promise<void>;
}

/** undefined when rootless tests can run here, else what is missing (with the package). */
export function missingForRootless(): string | undefined {
  if (process.getuid?.() !== 0) return 'root (to create the test user)';
  for (const [bin, pkg] of [['runc', 'runc'], ['docker', 'docker.io (the docker CLI)'], ['newuidmap', 'uidmap'], ['slirp4netns', 'slirp4netns'], ['setpriv', 'util-linux'], ['useradd', 'passwd']] as const) {
    try { execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }); } catch { return pkg; }
  }
  if (!existsSync('/bin/busybox')) return 'busybox-static (/bin/busybox)';
  // slirp4netns opens it as the test user; Debian's udev makes it 0666, VMs without udev may not (.ci/run does).
  if (existsSync('/dev/net/tun') && (statSync('/dev/net/tun').mode & 0o006) !== 0o006) return '/dev/net/tun open to ordinary users (chmod 0666 /dev/net/tun)';
  if (!existsSync(RUNTIME_BUNDLE)) return `${RUNTIME_BUNDLE} (run node scripts/build.mjs)`;
  return undefined;
}

/** Test options: skip with the reason when something is missing, or fail when CI=true (it must not skip there). */
export function rootlessTestOptions(): { skip?: string } {
  const missing = missingForRootless();
  if (!missing) return {};
  if (inCI) throw new Error(`prerequisite missing: ${missing} (CI=true, so this fails instead of skipping)`);
  return { skip: `needs ${missing}` };
}

export async function startRootlessEngine(opts: { subIds?: boolean; daemonArgs?: string[] } = {}): Promise<RootlessEngine> {
  const u = createThrowawayUser(opts);
  const { user, uid, gid, home: base, runtimeDir } = u;
  const socket = join(runtimeDir, 'berth', 'engine.sock');
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(base, 'docker-config'), DOCKER_BUILDKIT: '0' };
  const cleanup = (): Promise<void> => u.dispose();
  // The daemon's defaults for a user: $XDG_RUNTIME_DIR/berth/engine.sock and ~/.local/share/berth.
  const daemon = berthdProcess({
    args: opts.daemonArgs ?? [],
    wrap: (argv) => ['setpriv', '--reuid', String(uid), '--regid', String(gid), '--init-groups', 'env', '-i', `HOME=${base}`, `USER=${user}`,
      `XDG_RUNTIME_DIR=${runtimeDir}`, `PATH=${process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`, ...argv],
  });
  const launch = (): Promise<string> => daemon.start();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => { await daemon.stop(signal); };
  let ready: string;
  try {
    ready = await launch();
  } catch (err) {
    await cleanup();
    throw err;
  }
  const engine: RootlessEngine = {
    user, uid, gid, base, socket, env, ready,
    docker: (args, o = {}) => runDocker(args, env, o.input),
    log: daemon.log,
    async restart(o = {}) {
      await stop(o.signal);
      engine.ready = await launch();
    },
    launcherPid: () => daemon.child()?.pid,
    async dispose() {
      if (daemon.running()) {
        const ids = (await engine.docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length) await engine.docker(['rm', '-f', ...ids]);
        await stop();
      }
      await cleanup();
    },
  };
  return engine;
}

export async function importBusyboxRootless(e: RootlessEngine, tag = 'busybox:latest'): Promise<void> {
  const { busyboxRootfsTar } = await import('../../../scripts/lib/busybox-rootfs.mjs');
  const r = await e.docker(['import', '-', tag], { input: await busyboxRootfsTar() });
  if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
}
