// The unix socket: mode 0600 from the start (umask while binding), a stale socket file replaced,
// a live one refused.
import { mkdir, rm, chmod } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { ConflictError } from '../errdefs.js';

export async function listenOnSocket(server: Server, socketPath: string): Promise<void> {
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  if (await answers(socketPath)) {
    throw new ConflictError(`something already listens on ${socketPath}; stop it first or pass a different --socket`);
  }
  await rm(socketPath, { force: true });
  const previous = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(previous);
  }
  await chmod(socketPath, 0o600);
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
