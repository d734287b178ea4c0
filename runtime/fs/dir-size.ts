import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes in the files under `dir` (the container's writes), for prune's SpaceReclaimed. */
export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total += await stat(join(e.parentPath ?? e.path, e.name)).then((s) => s.size, () => 0);
  }
  return total;
}
