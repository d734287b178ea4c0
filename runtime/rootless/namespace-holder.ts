// The rootless daemon's namespaces outlive it, as Podman's do with its pause process: a `sleep
// infinity` started inside them keeps the user, mount and network namespaces alive, and the next
// daemon joins them (nsenter) instead of making new ones. Containers left running by the previous
// daemon live in those namespaces: only from inside them can runc exec into them or stop them, and
// their bridges, routes and port rules are there. The holder goes when a daemon stops with no
// container running; a reboot or `kill` of the holder means fresh namespaces next time.
import { spawn } from 'node:child_process';
import { readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordedProcess, stopRecordedProcess } from './recorded-process.js';

/** Where the holder's pid is kept: under the root, which both sides of the namespaces see. */
export function holderPidFile(root: string): string {
  return join(root, 'run', 'namespaces.pid');
}

/** Inside fresh namespaces: starts the holder, detached, and records it. */
export function startHolder(root: string): number | undefined {
  const child = spawn('sleep', ['infinity'], { detached: true, stdio: 'ignore' });
  child.unref();
  if (!child.pid) return undefined;
  writeFileSync(holderPidFile(root), `${child.pid}\n`);
  return child.pid;
}

/**
 * Outside: the holder of the previous daemon's namespaces, if it is still there and ours: a `sleep`
 * of this user whose user namespace is not ours. A stale pid file (the pid reused) is ignored.
 */
export function findHolder(root: string, uid: number): number | undefined {
  const pid = recordedProcess(holderPidFile(root), 'sleep');
  if (!pid) return undefined;
  try {
    if (statSync(`/proc/${pid}`).uid !== uid) return undefined;
    if (readlinkSync(`/proc/${pid}/ns/user`) === readlinkSync('/proc/self/ns/user')) return undefined;
    return pid;
  } catch {
    return undefined;
  }
}

/** Ends the holder (from inside its namespaces, when no container needs them any more). */
export function stopHolder(root: string): void {
  stopRecordedProcess(holderPidFile(root), 'sleep');
}
