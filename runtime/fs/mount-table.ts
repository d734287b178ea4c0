// The mounts of this mount namespace, from /proc/self/mountinfo.
import { readFileSync } from 'node:fs';

/** A mountinfo field with its octal escapes (\040 for a space) decoded. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points strictly below `dir`, deepest first (the order they can be unmounted in). */
export function mountPointsUnder(dir: string): string[] {
  let info: string;
  try { info = readFileSync('/proc/self/mountinfo', 'utf8'); } catch { return []; }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  const found = new Set<string>();
  for (const line of info.split('\n')) {
    const at = line.split(' ')[4];
    if (!at) continue;
    const path = unescape(at);
    if (path.startsWith(prefix)) found.add(path);
  }
  return [...found].sort((a, b) => b.length - a.length);
}
