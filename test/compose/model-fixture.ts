// Writes a Compose project into a temp folder (removed when the test process exits) and loads it.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../helpers/temp-dir';
import { loadProject, type LoadOptions, type LoadResult } from '../../compose/model/load-project';

export function projectDir(files: Record<string, string>): string {
  const dir = tempDir('berth-compose-model-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function load(files: Record<string, string>, opts: Partial<LoadOptions> = {}): LoadResult & { dir: string } {
  const dir = projectDir(files);
  return { ...loadProject({ env: {}, cwd: dir, ...opts }), dir };
}
