// Turns the `berth.engine` setting into where to connect. Pure, so it is unit-tested without VS Code.
import * as os from 'node:os';
import * as path from 'node:path';

export type EngineTarget =
  | { kind: 'bundled'; socketPath: string; root: string }
  | { kind: 'docker'; socketPath: string }
  | { kind: 'socket'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; url: string }
  | { kind: 'ssh'; host: string; port: number; username?: string; url: string };

export interface TargetInputs {
  engine: string;
  bundledSocket?: string;
  bundledRoot?: string;
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  homeDir?: string;
}

export class EngineSettingError extends Error {}

/** The bundled engine's defaults, the same ones `berthd` uses when started without flags. */
export function bundledDefaults(isRoot: boolean, env: NodeJS.ProcessEnv, homeDir = os.homedir()): { socketPath: string; root: string } {
  if (isRoot) return { socketPath: '/run/berth/engine.sock', root: '/var/lib/berth' };
  const runtimeDir = env.XDG_RUNTIME_DIR || path.join(os.tmpdir(), `berth-${process.getuid?.() ?? 'user'}`);
  return {
    socketPath: path.join(runtimeDir, 'berth', 'engine.sock'),
    root: path.join(env.XDG_DATA_HOME || path.join(homeDir, '.local', 'share'), 'berth'),
  };
}

export function resolveEngineTarget(input: TargetInputs): EngineTarget {
  const engine = input.engine.trim();
  if (engine === '' || engine === 'bundled') {
    const d = bundledDefaults(input.isRoot, input.env, input.homeDir);
    return { kind: 'bundled', socketPath: input.bundledSocket || d.socketPath, root: input.bundledRoot || d.root };
  }
  if (engine === 'docker') {
    const host = input.env.DOCKER_HOST?.trim();
    if (!host) return { kind: 'docker', socketPath: '/var/run/docker.sock' };
    const t = parseHost(host);
    return t.kind === 'socket' ? { kind: 'docker', socketPath: t.socketPath } : t;
  }
  return parseHost(engine);
}

function parseHost(value: string): EngineTarget {
  if (value.startsWith('unix://')) return { kind: 'socket', socketPath: value.slice('unix://'.length) };
  if (value.startsWith('/')) return { kind: 'socket', socketPath: value };
  if (value.startsWith('ssh://') || value.startsWith('tcp://')) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new EngineSettingError(`"${value}" is not a valid engine address. Use bundled, docker, a socket path, or ssh://user@host.`);
    }
    if (!u.hostname) throw new EngineSettingError(`"${value}" names no host.`);
    if (u.protocol === 'ssh:') {
      return { kind: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username || undefined, url: value };
    }
    return { kind: 'tcp', host: u.hostname, port: Number(u.port || 2375), url: value };
  }
  throw new EngineSettingError(
    `Unknown engine "${value}" in setting berth.engine. Use "bundled", "docker", a unix socket path such as /run/podman/podman.sock, or ssh://user@host.`,
  );
}

/** Where the engine listens, as the Engine view's Socket row shows it: the socket path, or the ssh/tcp URL. */
export function targetAddress(t: EngineTarget): string {
  switch (t.kind) {
    case 'bundled':
    case 'docker':
    case 'socket':
      return t.socketPath;
    case 'tcp':
    case 'ssh':
      return t.url;
  }
}
