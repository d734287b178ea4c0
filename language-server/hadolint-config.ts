// Finds the .hadolint.yaml (or .yml) that applies to a document: the nearest one from the
// document's folder up to its workspace folder (hadolint itself reads the one in the folder it
// runs in, which for an editor is the workspace). Read once, kept until a watched file changes.
import * as fs from 'node:fs';
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
  private readonly byFolder = new Map<string, HadolintConfig | undefined>();
  /** Every lint asks; turning the URI into a path each time showed in profiles. */
  private readonly byUri = new Map<string, HadolintConfig | undefined>();

  constructor(private readonly parse: ConfigParser, private readonly warn: (message: string) => void) {}

  setWorkspaceFolders(uris: readonly string[]): void {
    this.roots = uris.flatMap((u) => filePath(u) ?? []).map((p) => path.resolve(p));
    this.invalidate();
  }

  invalidate(): void {
    this.byFolder.clear();
    this.byUri.clear();
  }

  /** Whether a changed file is one of ours (for didChangeWatchedFiles). */
  static isConfigFile(uri: string): boolean {
    return NAMES.some((n) => uri.endsWith(`/${n}`));
  }

  /** Synchronous on purpose: a few stat calls per new folder, then cached; the first lint of a
   *  document should not wait for a round through the thread pool. */
  forDocument(uri: string): HadolintConfig | undefined {
    if (this.byUri.has(uri)) return this.byUri.get(uri);
    const config = this.lookUp(uri);
    this.byUri.set(uri, config);
    return config;
  }

  private lookUp(uri: string): HadolintConfig | undefined {
    const file = filePath(uri);
    if (!file) return undefined;
    const dir = path.dirname(file);
    if (this.byFolder.has(dir)) return this.byFolder.get(dir);
    const visited: string[] = [];
    const config = this.find(dir, visited);
    // Every folder on the way up has the same answer (its walk would pass the same folders), so a
    // document in a sibling folder costs only the stat calls of its own folder.
    for (const d of visited) this.byFolder.set(d, config);
    return config;
  }

  private find(dir: string, visited: string[]): HadolintConfig | undefined {
    const root = this.roots.filter((r) => dir === r || dir.startsWith(r + path.sep)).sort((a, b) => b.length - a.length)[0];
    for (let d = dir; ; d = path.dirname(d)) {
      if (this.byFolder.has(d)) return this.byFolder.get(d);
      visited.push(d);
      for (const name of NAMES) {
        const file = path.join(d, name);
        if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
        let text: string;
        try {
          text = fs.readFileSync(file, 'utf8');
        } catch (e) {
          this.warn(`${file} could not be read: ${e instanceof Error ? e.message : String(e)}`);
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
