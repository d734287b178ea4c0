// Unix socket paths are limited to 107 bytes, and container folders under a deep --root are longer
// (<root>/containers/<64 hex>/monitor.sock). Longer paths go through /proc/self/fd/<dir fd>/<name>,
// which the kernel resolves like the real folder; the folder's fd is held only while binding or
// connecting.
import { closeSync, openSync } from 'node:fs';
import { basename, dirname } from 'node:path';

const MAX_SUN_PATH = 107;

export function withSocketPath<T>(path: string, use: (usable: string) => T): T {
  if (Buffer.byteLength(path) <= MAX_SUN_PATH) return use(path);
  const fd = openSync(dirname(path), 'r');
  try {
    return use(`/proc/self/fd/${fd}/${basename(path)}`);
  } finally {
    closeSync(fd);
  }
}
