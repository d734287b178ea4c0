// Writes a scaffold plan into the project folder. A file that exists is overwritten only when `ask`
// says so for that file; nothing is ever overwritten silently, and a refused file is left as it was.
import { access, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { PlannedFile } from './scaffold-plan.js';

export interface WriteResult {
  written: string[];
  /** Existing files the user chose to keep. */
  kept: string[];
}

/** `ask(relativePath)` resolves true to overwrite an existing file. */
export async function writePlannedFiles(dir: string, files: readonly PlannedFile[], ask: (rel: string) => Promise<boolean>): Promise<WriteResult> {
  const result: WriteResult = { written: [], kept: [] };
  for (const f of files) {
    const target = path.join(dir, ...f.path.split('/'));
    const exists = await access(target).then(() => true, () => false);
    if (exists && !(await ask(f.path))) {
      result.kept.push(f.path);
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content);
    result.written.push(f.path);
  }
  return result;
}
