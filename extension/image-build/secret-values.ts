// The values behind a build's secrets and the agent sockets behind its ssh ids, read just before the
// build and kept in memory only (never in workspace state, the log or an error message).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SecretSpec } from './build-options.js';

export interface ResolvedSecrets {
  secrets: Record<string, Buffer>;
  ssh: Record<string, string>;
}

export class SecretSourceError extends Error {}

/**
 * Reads each secret from its environment variable or file (relative paths from `baseDir`), and finds
 * each ssh id's agent socket (`default` is SSH_AUTH_SOCK). Fails naming the secret or ssh id and the
 * variable or file that is missing, never the value.
 */
export async function resolveSecrets(specs: readonly SecretSpec[], ssh: readonly string[], env: NodeJS.ProcessEnv, baseDir: string): Promise<ResolvedSecrets> {
  const secrets: Record<string, Buffer> = {};
  for (const s of specs) {
    if (s.env) {
      const value = env[s.env];
      if (value === undefined) throw new SecretSourceError(`Secret "${s.id}" comes from the environment variable ${s.env}, which is not set in VS Code's environment. Set it before starting VS Code, or point the secret at a file (src=).`);
      secrets[s.id] = Buffer.from(value);
    } else if (s.src) {
      const file = path.resolve(baseDir, s.src.replace(/^~(?=$|\/)/, env.HOME ?? '~'));
      try {
        secrets[s.id] = await fs.promises.readFile(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read by this user' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(err)})`;
        throw new SecretSourceError(`Secret "${s.id}" comes from the file ${file}, which ${why}.`);
      }
    }
  }
  const sockets: Record<string, string> = {};
  for (const spec of ssh) {
    const eq = spec.indexOf('=');
    const id = eq < 0 ? spec : spec.slice(0, eq);
    const socket = eq < 0 ? env.SSH_AUTH_SOCK : spec.slice(eq + 1);
    if (!socket) throw new SecretSourceError(`ssh "${id}" uses the ssh agent of SSH_AUTH_SOCK, which is not set in VS Code's environment. Start an agent (eval $(ssh-agent); ssh-add) before VS Code, or give ${id}=/path/to/agent.sock.`);
    sockets[id] = socket;
  }
  return { secrets, ssh: sockets };
}
