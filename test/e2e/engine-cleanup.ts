// Takes down the bundled engine an e2e run started, even when code-server was killed before the
// extension could stop it. Each run gives the engine its own socket and root under a fresh temp
// folder, so "every process whose command line names that folder" is exactly the engine and its
// helpers (OCI runtime calls name the root too), never anything else on the machine.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    if (cmdline.includes(text)) pids.push(pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie still answers signal 0; it is gone for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Resolves when every pid is gone or the deadline passes; returns the ones still alive. */
async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let left = pids.filter(alive);
  // These are not our children, so there is no exit event to wait on: re-check until the deadline.
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = left.filter(alive);
  }
  return left;
}

/** SIGTERM (so the engine can shut down cleanly), then SIGKILL whatever is left. */
export async function stopProcessesMentioning(text: string, graceMs = 5000): Promise<number[]> {
  const pids = pidsMentioning(text);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const left = await waitGone(pids, graceMs);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await waitGone(left, 2000);
  return pids;
}

/** Mount points at or below dir, deepest first (the engine mounts overlays for containers). */
export function mountsUnder(dir: string): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    // mountinfo escapes spaces and the like as octal.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(prefix));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

export function unmountUnder(dir: string): void {
  for (const point of mountsUnder(dir)) {
    // Lazy: a process we could not kill must not keep the temp folder from going.
    spawnSync('umount', ['-l', point], { stdio: 'ignore' });
  }
}
