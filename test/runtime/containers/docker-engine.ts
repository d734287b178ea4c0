// Docker Engine side by side with berthd for benchmarks: reachable at /var/run/docker.sock, with the
// same busybox image berthd runs (saved from berthd, loaded with `docker load` under its own tag so
// nothing of Docker's own images is touched).
import { spawn } from 'node:child_process';
import { runDocker, type RunResult } from '../../helpers/daemon.js';
import type { Engine } from './engine-fixture.js';

export const DOCKER_SOCKET = '/var/run/docker.sock';
export const BENCH_IMAGE = 'berth-bench/busybox:latest';

export interface DockerEngine {
  env: NodeJS.ProcessEnv;
  docker(args: string[], opts?: { input?: Buffer | string }): Promise<RunResult>;
}

export async function dockerEngine(): Promise<DockerEngine | undefined> {
  const env = { ...process.env, DOCKER_HOST: `unix://${DOCKER_SOCKET}` };
  const ping = await runDocker(['version', '--format', '{{.Server.Version}}'], env).catch(() => undefined);
  if (!ping || ping.code !== 0) return undefined;
  return { env, docker: (args, o = {}) => runDocker(args, env, o.input) };
}

/** Tags berthd's busybox as `image` (BENCH_IMAGE) and loads the very same image into Docker Engine. */
export async function shareImage(berth: Engine, docker: DockerEngine | undefined, image = BENCH_IMAGE): Promise<void> {
  const tag = await berth.docker(['tag', 'busybox:latest', image]);
  if (tag.code !== 0) throw new Error(`docker tag on berthd: ${tag.stderr}`);
  if (!docker) return;
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', image], { env: berth.env, stdio: ['ignore', 'pipe', 'inherit'] });
    const load = spawn('docker', ['load', '-q'], { env: docker.env, stdio: ['pipe', 'ignore', 'inherit'] });
    save.stdout.pipe(load.stdin);
    load.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`docker load into Docker Engine exited with ${code}`))));
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
