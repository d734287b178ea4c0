// Builds on Docker Engine through BuildKit. The legacy build API cannot carry secrets, ssh agents or
// RUN --mount, and BuildKit's own API is a gRPC session, so, as Container Tools does, Berth runs the
// docker CLI (`docker buildx build`, or `DOCKER_BUILDKIT=1 docker build` with a client older than 23,
// which has BuildKit built in) with DOCKER_HOST set to the connected engine and streams its output.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuthConfig } from '../registry/auth-config.js';
import { formatSecretSpec, type BuildOptions } from './build-options.js';

export type BuildKitCli = { cli: string; mode: 'buildx' | 'builtin'; version: string };

export class BuildKitCliMissing extends Error {}

interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: NodeJS.ErrnoException;
}

function run(cli: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ProcResult> {
  return new Promise((resolve) => {
    const child = spawn(cli, args, { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, error }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const INSTALL_BUILDX =
  'install the buildx plugin (Docker\'s apt repository: docker-buildx-plugin; Debian 13 and later: docker-buildx), or set berth.build.dockerCli to a docker CLI that has it (a client older than 23, such as Debian 12\'s /usr/bin/docker, has BuildKit built in)';

/** Which way this CLI builds with BuildKit; a BuildKitCliMissing error saying what to install when it cannot. */
export async function detectBuildKitCli(cli: string, env: NodeJS.ProcessEnv): Promise<BuildKitCli> {
  const version = await run(cli, ['--version'], env);
  if (version.error) {
    const why = version.error.code === 'ENOENT' ? 'is not installed (or not on PATH)' : `cannot be run (${version.error.message})`;
    throw new BuildKitCliMissing(
      `Builds on Docker Engine go through BuildKit, which Berth drives with the docker CLI, and "${cli}" ${why}. Install the docker CLI (Debian: apt-get install docker.io; Docker's repository: docker-ce-cli docker-buildx-plugin) or set berth.build.dockerCli to its path.`,
    );
  }
  const v = /version\s+v?(\d+)\.(\d+)\.(\d+)[^\s,]*/i.exec(version.stdout)?.[0].replace(/^version\s+/i, '') ?? version.stdout.trim();
  const buildx = await run(cli, ['buildx', 'version'], env);
  if (buildx.code === 0) return { cli, mode: 'buildx', version: v };
  const major = Number(/^v?(\d+)/.exec(v)?.[1] ?? NaN);
  if (major < 23) return { cli, mode: 'builtin', version: v };
  throw new BuildKitCliMissing(`Builds on Docker Engine go through BuildKit, and the docker CLI "${cli}" (${v}) has no buildx plugin: ${INSTALL_BUILDX}.`);
}

/** The CLI's arguments for a build; secrets and agents by reference (env= / src= / socket), never by value. */
export function cliArgs(kit: BuildKitCli, o: BuildOptions, dockerfile: string, contextDir: string, iidFile: string, baseDir: string): string[] {
  const args = kit.mode === 'buildx' ? ['buildx', 'build', '--load'] : ['build'];
  args.push('--progress=plain', '-f', dockerfile, '-t', o.tag, '--iidfile', iidFile);
  for (const [k, v] of Object.entries(o.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const s of o.secrets) args.push('--secret', formatSecretSpec(s.src ? { id: s.id, src: path.resolve(baseDir, s.src) } : s));
  for (const s of o.ssh) args.push('--ssh', s);
  if (o.target) args.push('--target', o.target);
  if (o.platform) args.push('--platform', o.platform);
  if (o.noCache) args.push('--no-cache');
  if (o.pull) args.push('--pull');
  args.push(contextDir);
  return args;
}

/**
 * A DOCKER_CONFIG for the CLI that knows Berth's own logins (kept in VS Code's secret storage, which the
 * CLI cannot read) besides the docker CLI's: every known credential as a plain `auths` entry, in a
 * private temporary folder whose other entries (cli-plugins, buildx, contexts) link to the real one.
 * Undefined when Berth has no logins of its own: the CLI's own config already says everything.
 */
export async function credentialsConfigDir(realConfigDir: string, berthLogins: number, all: ReadonlyMap<string, AuthConfig>): Promise<{ dir: string; dispose(): void } | undefined> {
  if (!berthLogins) return undefined;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'berth-docker-config-'));
  const dispose = (): void => fs.rmSync(dir, { recursive: true, force: true });
  try {
    const auths: Record<string, { auth?: string; identitytoken?: string }> = {};
    for (const [key, a] of all) {
      auths[key] = {
        ...(a.username !== undefined ? { auth: Buffer.from(`${a.username}:${a.password ?? ''}`).toString('base64') } : {}),
        ...(a.identitytoken ? { identitytoken: a.identitytoken } : {}),
      };
    }
    await fs.promises.writeFile(path.join(dir, 'config.json'), JSON.stringify({ auths }), { mode: 0o600 });
    for (const entry of await fs.promises.readdir(realConfigDir).catch(() => [] as string[])) {
      if (entry !== 'config.json') await fs.promises.symlink(path.join(realConfigDir, entry), path.join(dir, entry)).catch(() => undefined);
    }
    return { dir, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

export interface CliRun {
  /** Resolves with the exit code once the CLI ends. */
  done: Promise<number>;
  cancel(): void;
}

/** Runs the CLI, handing each output line (stdout and stderr, as the terminal shows them) to `onLine`. */
export function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): CliRun {
  const child = spawn(cli, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const readers = [child.stdout, child.stderr].map((stream) => {
    let partial = '';
    stream.on('data', (d: Buffer) => {
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
    return () => {
      if (partial) onLine(partial);
      partial = '';
    };
  });
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      for (const flush of readers) flush();
      resolve(code ?? (signal ? 130 : 1));
    });
  });
  return { done, cancel: () => void child.kill('SIGINT') };
}

/** DOCKER_HOST for an engine address as the CLI spells it. */
export function dockerHostOf(address: { kind: 'unix'; socketPath: string } | { kind: 'url'; url: string }): string {
  return address.kind === 'unix' ? `unix://${address.socketPath}` : address.url;
}
