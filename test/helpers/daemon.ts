// Starts the built daemon (dist/runtime.js) on a temporary root and socket with its own network
// prefix, waits for its ready line, and gives a dockerode client plus a `docker` CLI runner pointed
// at it; cleanup removes what it left on the host (bridges, iptables rules, cgroups) and the folder.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { berthdProcess, RUNTIME_BUNDLE } from './berthd-process.js';
import { teardownDaemonHost } from './host-teardown.js';
import { removeAtExit } from './temp-dir.js';
export const DOCKER_CLI = process.env.DOCKER_CLI ?? 'docker';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestDaemon {
  root: string;
  socket: string;
  dockerHost: string;
  client: Docker;
  process: ChildProcess;
  readyLine: string;
  /** What the daemon has written to stderr so far. */
  log(): string;
  /** Runs the docker CLI against this daemon; never throws on a non-zero exit. */
  docker(args: string[], opts?: { input?: Buffer | string; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** SIGTERM and wait for exit (SIGKILL after the timeout). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** The daemon's network prefix (bridge, iptables chain, netns and cgroup names). */
  prefix: string;
  /** After stop: removes the daemon's bridges, iptables rules and cgroups, and the temp folder. */
  cleanup(): Promise<void>;
}

export interface StartOptions {
  /** Reuse a root (e.g. after a crash); default a fresh temp folder. */
  root?: string;
  socket?: string;
  readyTimeoutMs?: number;
  /** More berthd arguments (e.g. --oci-runtime crun). */
  args?: string[];
}

export async function startDaemon(opts: StartOptions = {}): Promise<TestDaemon> {
  if (!existsSync(RUNTIME_BUNDLE)) throw new Error(`${RUNTIME_BUNDLE} is missing: run node scripts/build.mjs first`);
  // Removed by cleanup(); at exit too, for a test that ends before it calls cleanup().
  const base = removeAtExit(mkdtempSync(join(tmpdir(), 'berth-test-')));
  const root = opts.root ?? join(base, 'root');
  const socket = opts.socket ?? join(base, 'engine.sock');
  const prefix = netPrefixFor(root);
  notCleaned(prefix);
  const daemon = berthdProcess({
    args: ['--socket', socket, '--root', root, '--net-prefix', prefix, ...(opts.args ?? [])],
    readyTimeoutMs: opts.readyTimeoutMs ?? 15000,
  });
  let readyLine: string;
  try {
    readyLine = await daemon.start();
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
  const child = daemon.child()!;
  const dockerHost = `unix://${socket}`;
  const client = new Docker({ socketPath: socket });
  const dockerConfig = join(base, 'docker-config');
  return {
    root, socket, dockerHost, client, process: child, readyLine, prefix,
    log: daemon.log,
    docker: (args, runOpts = {}) => runDocker(args, { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0', ...runOpts.env }, runOpts.input),
    stop: (signal = 'SIGTERM') => daemon.stop(signal, 10000),
    async cleanup() {
      await teardownDaemonHost(root, prefix);
      uncleaned.delete(prefix);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * Prefixes of daemons whose cleanup() has not finished. A test process that ends before then (a failed
 * or timed-out file, a cleanup not awaited before --test-force-exit ends the process) would leave the
 * daemon's bridge on the host: at exit its bridge and namespaces go, synchronously, and the leak is said.
 */
const uncleaned = new Set<string>();
let sweepHooked = false;
function notCleaned(prefix: string): void {
  if (!sweepHooked) process.on('exit', sweepAtExit);
  sweepHooked = true;
  uncleaned.add(prefix);
}

function sweepAtExit(): void {
  for (const prefix of uncleaned) {
    const left = [
      ...(existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(`${prefix}-`)).map((n) => ['netns', 'del', n]) : []),
      ...(existsSync(`/sys/class/net/${prefix}0`) ? [['link', 'del', `${prefix}0`]] : []),
    ];
    for (const args of left) spawnSync('ip', args, { stdio: 'ignore' });
    if (left.length) process.stderr.write(`test daemon ${prefix} was not cleaned up before the test process ended; removed at exit: ${left.map((a) => a.slice(2).join(' ')).join(', ')}\n`);
  }
  uncleaned.clear();
}

/** One prefix per root (a daemon restarted on a root finds its bridges again): `d` and 5 base-36 digits. */
function netPrefixFor(root: string): string {
  return `d${(createHash('sha256').update(root).digest().readUIntBE(0, 4) % 36 ** 5).toString(36).padStart(5, '0')}`;
}

/**
 * Runs the docker CLI. A CLI that hangs (the daemon broke one of the protocol's traps) is killed
 * after `timeoutMs` and fails the test with what it printed, instead of stalling the whole run.
 */
export function runDocker(args: string[], env: NodeJS.ProcessEnv, input?: Buffer | string, timeoutMs = 180_000): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(DOCKER_CLI, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString();
      const stderr = Buffer.concat(err).toString();
      if (timedOut) {
        reject(new Error(`docker ${args.join(' ')} did not finish within ${timeoutMs / 1000} s (killed); stdout: ${stdout.slice(-2000)}; stderr: ${stderr.slice(-2000)}`));
        return;
      }
      resolveRun({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** `docker import`s the busybox rootfs as `tag` and returns the image ID. */
export async function importBusybox(d: TestDaemon, tag = 'busybox:latest'): Promise<string> {
  const { busyboxRootfsTar } = await import('../../scripts/lib/busybox-rootfs.mjs');
  const r = await d.docker(['import', '-', tag], { input: await busyboxRootfsTar() });
  if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
  return r.stdout.trim();
}
