// Which engine berth-compose talks to: DOCKER_HOST when set; otherwise the bundled engine's default
// socket when that engine answers there, else Docker's default socket. The extension reads DOCKER_HOST and
// its berth.engine setting with the same parser (extension/engine/engine-target.ts).
import * as os from 'node:os';
import * as path from 'node:path';

export type EngineAddress =
  | { readonly kind: 'socket'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly tls: boolean }
  | { readonly kind: 'ssh'; readonly host: string; readonly port: number; readonly username?: string };

/** What is wrong with an address: not a URL, no host, or a scheme Berth does not speak. */
export class EngineAddressError extends Error {
  constructor(message: string, readonly reason: 'invalid' | 'no-host' | 'unsupported') {
    super(message);
  }
}

export const DOCKER_DEFAULT_SOCKET = '/var/run/docker.sock';

/** The bundled engine's default socket, the one `berthd` uses when started without --socket. */
export function bundledSocket(env: Readonly<Record<string, string | undefined>>, isRoot: boolean): string {
  if (isRoot) return '/run/berth/engine.sock';
  const runtimeDir = env.XDG_RUNTIME_DIR || path.join(os.tmpdir(), `berth-${process.getuid?.() ?? 'user'}`);
  return path.join(runtimeDir, 'berth', 'engine.sock');
}

/** `unix://PATH`, `/PATH`, `tcp://HOST[:PORT]` or `ssh://[USER@]HOST[:PORT]`; `what` names the value in errors. */
export function parseDockerHost(value: string, tlsVerify = false, what = 'DOCKER_HOST'): EngineAddress {
  if (value.startsWith('unix://')) return { kind: 'socket', socketPath: value.slice('unix://'.length) };
  if (value.startsWith('/')) return { kind: 'socket', socketPath: value };
  if (value.startsWith('tcp://') || value.startsWith('ssh://')) {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      throw new EngineAddressError(`${what} "${value}" is not a valid address`, 'invalid');
    }
    if (!u.hostname) throw new EngineAddressError(`${what} "${value}" names no host`, 'no-host');
    if (u.protocol === 'ssh:') return { kind: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username || undefined };
    return { kind: 'tcp', host: u.hostname, port: Number(u.port || (tlsVerify ? 2376 : 2375)), tls: tlsVerify };
  }
  throw new EngineAddressError(`${what} "${value}" is not supported: use unix://PATH, tcp://HOST:PORT or ssh://USER@HOST`, 'unsupported');
}

/**
 * The address to use. `answers(socket)` tells whether an engine answers /_ping on a socket; it is
 * asked only about the bundled engine's socket, and only when DOCKER_HOST is unset.
 */
export async function chooseEngine(env: Readonly<Record<string, string | undefined>>, isRoot: boolean, answers: (socket: string) => Promise<boolean>): Promise<EngineAddress> {
  const host = env.DOCKER_HOST?.trim();
  if (host) return parseDockerHost(host, Boolean(env.DOCKER_TLS_VERIFY));
  const bundled = bundledSocket(env, isRoot);
  if (await answers(bundled)) return { kind: 'socket', socketPath: bundled };
  return { kind: 'socket', socketPath: DOCKER_DEFAULT_SOCKET };
}

export function describeAddress(a: EngineAddress): string {
  switch (a.kind) {
    case 'socket': return `unix://${a.socketPath}`;
    case 'tcp': return `tcp://${a.host}:${a.port}`;
    case 'ssh': return `ssh://${a.username ? `${a.username}@` : ''}${a.host}:${a.port}`;
  }
}
