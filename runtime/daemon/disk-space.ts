// Free space of the engine's root at start: a full root is not fatal (the daemon starts, reads work,
// and writes answer "no space left on device"), but it is said once, up front.
import { statfsSync } from 'node:fs';

/** Below this much free space nothing useful can be written (a layer, a record, a log line batch). */
const NEARLY_FULL_BYTES = 1 << 20;

/** A warning line when the root's file system is (nearly) full, else undefined. */
export function fullRootWarning(root: string): string | undefined {
  let free: number;
  try {
    const s = statfsSync(root);
    free = Number(s.bavail) * Number(s.bsize);
  } catch {
    return undefined;
  }
  if (free >= NEARLY_FULL_BYTES) return undefined;
  return `the file system of the root ${root} is full (${Math.floor(free / 1024)} KiB free): the engine runs, but images, containers and logs cannot be written until space is freed`;
}
