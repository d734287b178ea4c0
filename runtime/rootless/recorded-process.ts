// Helper processes a rootless daemon leaves running on purpose (the namespace holder, slirp4netns)
// are found again through a pid file. A pid counts only while /proc says it is still that program:
// after a reboot the number may belong to anything.
import { readFileSync, rmSync } from 'node:fs';
import { isAlive } from '../daemon/root-lock.js';

/** The pid recorded in `pidFile`, if that process is alive and its command name is `comm`. */
export function recordedProcess(pidFile: string, comm: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Kills the recorded process (if it is still `comm`) and removes its pid file. */
export function stopRecordedProcess(pidFile: string, comm: string): void {
  const pid = recordedProcess(pidFile, comm);
  if (pid) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  rmSync(pidFile, { force: true });
}

/**
 * stopRecordedProcess, then waits (up to `timeoutMs`) until the process has exited: what it held (a
 * tap device, for slirp4netns) is released only then, and SIGKILL is delivered asynchronously.
 */
export async function stopRecordedProcessAndWait(pidFile: string, comm: string, timeoutMs = 3000): Promise<void> {
  const pid = recordedProcess(pidFile, comm);
  stopRecordedProcess(pidFile, comm);
  if (!pid) return;
  for (let waited = 0; waited < timeoutMs && isAlive(pid); waited += 20) await new Promise((r) => setTimeout(r, 20));
}

