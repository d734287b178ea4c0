// Temporary folders for tests that go away when the test process exits (each test file runs in its
// own process), so a run leaves nothing in /tmp however its tests end.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made = new Set<string>();
let hooked = false;

/** Mount points at or below `dir`: a daemon that was never stopped may still have root filesystems there. */
function hasMountsUnder(dir: string): boolean {
  let info = '';
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return false; }
  return info.split('\n').some((l) => {
    const point = l.split(' ')[4];
    return point !== undefined && (point === dir || point.startsWith(`${dir}/`));
  });
}

function removeAll(): void {
  for (const dir of made) {
    // Never remove through a mount (it could reach a container's bind-mounted host folder).
    if (hasMountsUnder(dir)) continue;
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* busy: leave it */ }
  }
  made.clear();
}

/** Registers `dir` (made elsewhere) for removal at exit; returns it. */
export function removeAtExit(dir: string): string {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
  }
  made.add(dir);
  return dir;
}

/** A new folder `<tmp>/<prefix>XXXXXX`, removed at exit. */
export function tempDir(prefix: string): string {
  return removeAtExit(mkdtempSync(join(tmpdir(), prefix)));
}
