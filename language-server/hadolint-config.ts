// Finds the .hadolint.yaml (or .yml) that applies to a document: the nearest one from the
// document's folder up to its workspace folder (hadolint itself reads the one in the folder it
// runs in, which for an editor is the workspace). Read once, kept until a watched file changes.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HadolintConfig } from '../dockerfile/lint/types';

export type ConfigParser = (text: string, fileName: string) => { readonly config: HadolintConfig; readonly problems: readonly string[] };

const NAMES = ['.hadolint.yaml', '.hadolint.yml'];

function filePath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

export class HadolintConfigs {
  private roots: string[] = [];
  private readonly byFolder = new Map<string, Promise<HadolintConfig | undefined>>();

  constructor(private readonly parse: ConfigParser, private readonly warn: (message: string) => void) {}

  setWorkspaceFolders(uris: readonly string[]): void {
    this.roots = uris.flatMap((u) => filePath(u) ?? []).map((p) => path.resolve(p));
    this.invalidate();
  }

  invalidate(): void {
    this.byFolder.clear();
  }

  /** Whether a changed file is one of ours (for didChangeWatchedFiles). */
  static isConfigFile(uri: string): boolean {
    return NAMES.some((n) => uri.endsWith(`/${n}`));
  }

  forDocument(uri: string): Promise<HadolintConfig | undefined> {
    const file = filePath(uri);
    if (!file) return Promise.resolve(undefined);
    const dir = path.dirname(file);
    let p = this.byFolder.get(dir);
    if (!p) {
      p = this.find(dir);
      this.byFolder.set(dir, p);
    }
    return p;
  }

  private async find(dir: string): Promise<HadolintConfig | undefined> {
    const root = this.roots.filter((r) => dir === r || dir.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
    for (let d = dir; ; d = path.dirname(d)) {
      for (const name of NAMES) {
        const file = path.join(d, name);
        let text: string;
        try {
          text = await fs.readFile(file, 'utf8');
        } catch {
          continue;
        }
        const { config, problems } = this.parse(text, file);
        // The reader's messages already name the file.
        for (const p of problems) this.warn(p);
        return config;
      }
      if (!root || d === root || path.dirname(d) === d) return undefined;
    }
  }
}
