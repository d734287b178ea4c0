// Turns the `berth.engine` setting into where to connect. Pure, so it is unit-tested without VS Code.
// Addresses (DOCKER_HOST, a socket path, ssh:// or tcp://) are read by compose's parser, which berth-compose uses too.
import * as os from 'node:os';
import * as path from 'node:path';
import { bundledSocket, DOCKER_DEFAULT_SOCKET, EngineAddressError, parseDockerHost, type EngineAddress } from '../../compose/engine/engine-address.js';

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
  if (isRoot) return { socketPath: bundledSocket(env, true), root: '/var/lib/berth' };
  return {
    socketPath: bundledSocket(env, false),
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
    if (!host) return { kind: 'docker', socketPath: DOCKER_DEFAULT_SOCKET };
    const t = parseHost(host, 'DOCKER_HOST');
    return t.kind === 'socket' ? { kind: 'docker', socketPath: t.socketPath } : t;
  }
  return parseHost(engine, 'berth.engine');
}

/** A DOCKER_HOST value or the setting's socket path / URL, read by compose's DOCKER_HOST parser. */
function parseHost(value: string, what: 'DOCKER_HOST' | 'berth.engine'): EngineTarget {
  let a: EngineAddress;
  try {
    a = parseDockerHost(value, false, what);
  } catch (err) {
    if (!(err instanceof EngineAddressError)) throw err;
    if (what === 'DOCKER_HOST') throw new EngineSettingError(`${err.message}.`);
    if (err.reason === 'no-host') throw new EngineSettingError(`"${value}" names no host.`);
    if (err.reason === 'invalid') throw new EngineSettingError(`"${value}" is not a valid engine address. Use bundled, docker, a socket path, or ssh://user@host.`);
    throw new EngineSettingError(
      `Unknown engine "${value}" in setting berth.engine. Use "bundled", "docker", a unix socket path such as /run/podman/podman.sock, or ssh://user@host.`,
    );
  }
  switch (a.kind) {
    case 'socket': return { kind: 'socket', socketPath: a.socketPath };
    case 'tcp': return { kind: 'tcp', host: a.host, port: a.port, url: value };
    case 'ssh': return { kind: 'ssh', host: a.host, port: a.port, username: a.username, url: value };
  }
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
