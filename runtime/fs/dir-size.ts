import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes in the files under `dir` (a container's writes, a volume's data), as Docker's directory.Size
 * counts them: apparent file sizes, a file with several hard links once.
 */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const st = await stat(join(e.parentPath ?? e.path, e.name)).catch(() => undefined);
    if (!st) continue;
    if (st.nlink > 1) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    total += st.size;
  }
  return total;
}
