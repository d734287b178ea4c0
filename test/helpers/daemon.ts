// Starts the built daemon (dist/runtime.js) on a temporary root and socket, waits for its ready line,
// and gives a dockerode client plus a `docker` CLI runner pointed at it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';

export const RUNTIME_BUNDLE = resolve(__dirname, '../../dist/runtime.js');
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
  /** Removes the temp folder (after stop). */
  cleanup(): void;
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
  const base = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const root = opts.root ?? join(base, 'root');
  const socket = opts.socket ?? join(base, 'engine.sock');
  const child = spawn(process.execPath, [RUNTIME_BUNDLE, '--socket', socket, '--root', root, ...(opts.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
  const readyLine = await new Promise<string>((resolveReady, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`berthd did not print its ready line within ${opts.readyTimeoutMs ?? 15000} ms; stderr: ${stderr}`));
    }, opts.readyTimeoutMs ?? 15000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolveReady(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`berthd exited with ${code} before it was ready; stderr: ${stderr}`));
    });
  });
  const dockerHost = `unix://${socket}`;
  const client = new Docker({ socketPath: socket });
  const dockerConfig = join(base, 'docker-config');
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    root, socket, dockerHost, client, process: child, readyLine,
    log: () => stderr,
    docker: (args, runOpts = {}) => runDocker(args, { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0', ...runOpts.env }, runOpts.input),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    cleanup() {
      rmSync(base, { recursive: true, force: true });
    },
  };
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
