// The rootless start: berthd run by an ordinary user starts itself again inside new user, mount and
// network namespaces (as Podman does), where it is uid 0 with the user's subordinate ids mapped, or
// inside the namespaces a previous daemon left, while their holder lives (namespace-holder.ts). This
// process stays outside as the parent: it writes the id maps (newuidmap/newgidmap), attaches
// slirp4netns to the new network namespace, forwards signals and exits with the daemon's code.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readlinkSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { userInfo } from 'node:os';
import { SystemError } from '../errdefs.js';
import { liveRootOwner } from '../daemon/root-lock.js';
import { optionArgs, type DaemonOptions } from '../daemon/options.js';
import { mapArgs } from './id-ranges.js';
import { ROOTLESS_ENV, type RootlessMode } from './mode.js';
import { planRootless, withSystemDirs, type RootlessPlan } from './prerequisites.js';
import { serveLoopbackProxy } from './loopback-proxy.js';
import { findHolder } from './namespace-holder.js';
import { stopRecordedProcessAndWait } from './recorded-process.js';

const log = (line: string): void => { process.stderr.write(`berthd: ${line}\n`); };

/**
 * Every option, explicit, for the daemon inside: as uid 0 there, its defaults would be root's. The
 * registry settings go in as given; the daemon inside reads the config file itself.
 */
export function innerArgs(o: DaemonOptions): string[] {
  return optionArgs(o);
}

/** Resolves once the child has left our user namespace (unshare has run), so its maps can be written. */
async function unshared(pid: number): Promise<void> {
  const ours = readlinkSync('/proc/self/ns/user');
  for (let i = 0; i < 2000; i++) {
    let theirs: string;
    try { theirs = readlinkSync(`/proc/${pid}/ns/user`); } catch { throw new SystemError('unshare exited before creating the user namespace'); }
    if (theirs !== ours) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new SystemError('unshare did not create a user namespace within 10 seconds');
}

function writeMaps(pid: number, plan: RootlessPlan, singleId: boolean): void {
  if (singleId) {
    // One id needs no helper: a process may map its own id into a namespace it created.
    writeFileSync(`/proc/${pid}/setgroups`, 'deny');
    writeFileSync(`/proc/${pid}/uid_map`, `0 ${plan.uid} 1\n`);
    writeFileSync(`/proc/${pid}/gid_map`, `0 ${plan.gid} 1\n`);
    return;
  }
  for (const [tool, id, ranges] of [[plan.tools.newuidmap!, plan.uid, plan.uidRanges], [plan.tools.newgidmap!, plan.gid, plan.gidRanges]] as const) {
    const r = spawnSync(tool, [String(pid), ...mapArgs(id, ranges)], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new SystemError(`${tool} failed: ${(r.stderr || r.error?.message || `exit code ${r.status}`).trim()}. `
        + `Check the ranges of ${plan.user} in /etc/subuid and /etc/subgid and that ${tool} is setuid root (sudo apt-get install --reinstall uidmap)`);
    }
  }
}

/** Starts slirp4netns on the namespace of `pid`; resolves when it has configured tap0. */
function startSlirp(binary: string, pid: number, apiSocket: string): Promise<ChildProcess> {
  rmSync(apiSocket, { force: true });
  const child = spawn(binary, ['--configure', '--mtu=65520', '--disable-host-loopback', '--api-socket', apiSocket, '--ready-fd=3', String(pid), 'tap0'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    const ready = child.stdio[3] as NodeJS.ReadableStream;
    ready.once('data', () => resolve(child));
    child.once('exit', (code) => {
      // Debian's udev makes /dev/net/tun 0666; hosts without udev may keep it root's only.
      const fix = /dev\/net\/tun.*Permission denied/s.test(stderr) ? ' (an administrator can open it to users: sudo chmod 0666 /dev/net/tun)' : '';
      reject(new SystemError(`slirp4netns exited (code ${code}) before it was ready: ${stderr.trim()}${fix}`));
    });
    child.once('error', (err) => reject(new SystemError(`slirp4netns: ${err.message}`)));
  });
}

/** Runs the daemon in its namespaces; returns the exit code to exit with. */
export async function launchRootless(options: DaemonOptions): Promise<number> {
  const me = userInfo();
  const plan = planRootless({ uid: me.uid, gid: me.gid, name: me.username });
  if (plan.errors.length) {
    throw new SystemError(`cannot start rootless (as ${me.username}, uid ${me.uid}):\n  - ${plan.errors.join('\n  - ')}`);
  }
  for (const w of plan.warnings) log(`warning: ${w}`);
  const singleId = plan.uidRanges.length === 0 || plan.gidRanges.length === 0;
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  await mkdir(dirname(options.socket), { recursive: true, mode: 0o700 });
  const apiSocket = plan.tools.slirp4netns ? `${options.socket}.slirp` : undefined;
  const loopbackSocket = `${options.socket}.loopback`;
  const slirpPidFile = join(options.root, 'run', 'slirp4netns.pid');
  await mkdir(join(options.root, 'run'), { recursive: true, mode: 0o700 });
  const relay = await serveLoopbackProxy(loopbackSocket);
  await previousDaemonStopped(options.root, log);
  const holder = plan.tools.nsenter ? findHolder(options.root, me.uid) : undefined;
  if (holder) log(`joining the namespaces of the previous daemon (held by pid ${holder}), where its containers live`);
  const mode: RootlessMode = { singleId, slirpApiSocket: apiSocket, loopbackProxySocket: loopbackSocket, joined: Boolean(holder) };
  const env = { ...process.env, PATH: withSystemDirs(process.env.PATH), [ROOTLESS_ENV]: JSON.stringify(mode) };
  // sh waits on fd 3 until the maps are written (before that a new namespace has no uid 0) and
  // slirp4netns is attached.
  const script = 'read ok <&3 && [ "$ok" = go ] && exec 3<&- && exec "$@"';
  const enter = holder
    ? [plan.tools.nsenter!, '--target', String(holder), '--user', '--mount', '--net', '--preserve-credentials', '--']
    : [plan.tools.unshare!, '--user', '--mount', '--net', '--propagation', 'private', '--'];
  const daemon = spawn(enter[0], [...enter.slice(1), '/bin/sh', '-c', script, 'sh',
    process.execPath, ...process.execArgv, process.argv[1], ...innerArgs(options)], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env });
  const release = daemon.stdio[3] as NodeJS.WritableStream;
  const exited = new Promise<number>((resolve) => {
    daemon.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
    daemon.once('error', (err) => { log(`unshare: ${err.message}`); resolve(1); });
  });
  const forward = (signal: NodeJS.Signals) => (): void => { daemon.kill(signal); };
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGINT', forward('SIGINT'));
  let slirp: ChildProcess | undefined;
  try {
    if (!holder) {
      await unshared(daemon.pid!);
      writeMaps(daemon.pid!, plan, singleId);
    }
    if (plan.tools.slirp4netns && apiSocket) {
      // A slirp4netns of an earlier launcher that was killed: its tap0 would block a new one.
      await stopRecordedProcessAndWait(slirpPidFile, 'slirp4netns');
      slirp = await startSlirp(plan.tools.slirp4netns, holder ?? daemon.pid!, apiSocket);
      writeFileSync(slirpPidFile, `${slirp.pid}\n`);
    }
    release.end('go\n');
  } catch (err) {
    daemon.kill('SIGKILL');
    await exited;
    slirp?.kill();
    relay.close();
    throw err;
  }
  const code = await exited;
  slirp?.kill();
  rmSync(slirpPidFile, { force: true });
  relay.close();
  if (apiSocket && existsSync(apiSocket)) rmSync(apiSocket, { force: true });
  return code;
}

/**
 * A daemon whose launcher was killed stops by itself (launcher-watch.ts) within a moment; a start in
 * that moment waits for it instead of failing on its lock. A daemon that does not stop (its launcher
 * lives) keeps the root, and the new daemon's lock says so.
 */
async function previousDaemonStopped(root: string, log: (line: string) => void): Promise<void> {
  const owner = liveRootOwner(root);
  if (owner === undefined) return;
  log(`waiting for the previous daemon (pid ${owner}) to let go of ${root}`);
  for (let waited = 0; waited < 3000 && liveRootOwner(root) !== undefined; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
  }
}
