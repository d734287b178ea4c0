// Tags and digest references: canonical reference -> image ID, in <root>/repositories.json (atomic writes).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write.js';

interface RepositoriesFile {
  refs: Record<string, string>;
}

export class ReferenceStore {
  private readonly path: string;
  private refs = new Map<string, string>();
  /** image ID -> its references; rebuilt on every change so listing 1,000 images stays linear. */
  private byId = new Map<string, string[]>();
  private writes: Promise<void> = Promise.resolve();

  constructor(root: string) {
    this.path = join(root, 'repositories.json');
  }

  async init(): Promise<void> {
    try {
      const file = JSON.parse(await readFile(this.path, 'utf8')) as RepositoriesFile;
      this.refs = new Map(Object.entries(file.refs ?? {}));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.reindex();
  }

  private reindex(): void {
    this.byId = new Map();
    for (const [ref, id] of this.refs) {
      const list = this.byId.get(id);
      if (list) list.push(ref);
      else this.byId.set(id, [ref]);
    }
  }

  get(ref: string): string | undefined {
    return this.refs.get(ref);
  }

  entries(): IterableIterator<[string, string]> {
    return this.refs.entries();
  }

  /** References to `id`, in insertion order. */
  refsOf(id: string): string[] {
    return [...(this.byId.get(id) ?? [])];
  }

  /** Applies changes in memory and persists them; writes are serialized. */
  async update(change: (refs: Map<string, string>) => void): Promise<void> {
    change(this.refs);
    this.reindex();
    const snapshot: RepositoriesFile = { refs: Object.fromEntries(this.refs) };
    const write = this.writes.then(() => writeJsonAtomic(this.path, snapshot));
    this.writes = write.catch(() => undefined);
    await write;
  }
}
