// The container records: one config.v2.json per container folder, loaded (and repaired) at start,
// looked up by ID, unique ID prefix or name, and saved atomically on every change. A create holds
// its name from the start, so two creates never get the same one.
import { readdir, readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError, InvalidError, NotFoundError } from '../errdefs.js';
import { LatestWriter } from '../fs/atomic-write.js';
import { containerPaths, type ContainerPaths } from '../tasks/bundle.js';
import type { IdMap } from '../userns/id-pool.js';
import type { ContainerRecord } from './record.js';
import { repairRecord } from './record-repair.js';

export class RecordStore {
  private readonly records = new Map<string, ContainerRecord>();
  /** Names in use (with the slash) -> container ID. */
  private readonly byName = new Map<string, string>();
  // Records change on every start and exit: atomic, not fsynced (reconcile repairs state after a crash).
  private readonly writer = new LatestWriter({ durable: false });
  /** containers/ under the engine root. */
  readonly dir: string;

  constructor(root: string, private readonly log?: (line: string) => void) {
    this.dir = join(root, 'containers');
  }

  paths(id: string): ContainerPaths { return containerPaths(join(this.dir, id)); }

  /** The folder names under containers/ (records or not), creating the folder on the first start. */
  async folders(): Promise<string[]> {
    await mkdir(this.dir, { recursive: true });
    return readdir(this.dir);
  }

  get(idOrName: string): ContainerRecord {
    const byName = idOrName.startsWith('/') ? idOrName : `/${idOrName}`;
    const exact = this.records.get(idOrName);
    if (exact) return exact;
    const named = this.byName.get(byName);
    const r = named ? this.records.get(named) : undefined;
    if (r) return r;
    const matches = [...this.records.values()].filter((x) => idOrName.length >= 1 && x.Id.startsWith(idOrName));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new InvalidError(`multiple containers found with provided prefix: ${idOrName}`);
    throw new NotFoundError(`No such container: ${idOrName}`);
  }

  /** The record with exactly this ID, if there is one. */
  byId(id: string): ContainerRecord | undefined { return this.records.get(id); }

  has(id: string): boolean { return this.records.has(id); }

  all(): ContainerRecord[] { return [...this.records.values()]; }

  usingImage(imageId: string): ContainerRecord[] { return this.all().filter((r) => r.Image === imageId); }
  usingVolume(name: string): string[] { return this.all().filter((r) => r.Mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((r) => r.Id); }

  /** The id ranges containers hold: freed when a record goes. */
  idMaps(): IdMap[] { return this.all().flatMap((r) => (r.IdMap ? [r.IdMap] : [])); }

  isNameTaken(name: string): boolean { return this.byName.has(name); }

  /** Holds `name` (with the slash) for `id`; a 409 naming the holder when another container has it. */
  reserveName(name: string, id: string): void {
    const holder = this.byName.get(name);
    if (holder && holder !== id) throw new ConflictError(`Conflict. The container name "${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    this.byName.set(name, id);
  }

  /** A rename: the old name is free once the new one is held. */
  rename(r: ContainerRecord, name: string): void {
    this.reserveName(name, r.Id);
    if (r.Name !== name && this.byName.get(r.Name) === r.Id) this.byName.delete(r.Name);
    r.Name = name;
  }

  /** Adds a record (a create, or one loaded at start). */
  add(r: ContainerRecord): void {
    this.records.set(r.Id, r);
    this.byName.set(r.Name, r.Id);
  }

  /** Forgets a record and frees its name (its folder is the caller's). */
  delete(id: string, name: string): void {
    this.records.delete(id);
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  save(r: ContainerRecord): Promise<void> {
    if (!this.records.has(r.Id)) return Promise.resolve(); // removed meanwhile: do not recreate its folder
    return this.writer.write(join(this.dir, r.Id, 'config.v2.json'), r).catch((err: unknown) => {
      // A short-lived --rm container can be removed (its folder renamed away) while a save is in flight.
      if (this.records.has(r.Id)) throw err;
    });
  }

  /** One record from disk, repaired if a value has the wrong type (one log line), or undefined (skipped, logged). */
  async load(dirName: string): Promise<ContainerRecord | undefined> {
    const file = join(this.dir, dirName, 'config.v2.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      // A folder without a record is a create that did not finish; anything else is worth a line.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log?.(`container ${dirName}: skipped, its record cannot be read: ${(err as Error).message}`);
      return undefined;
    }
    const result = repairRecord(raw);
    if (result.kind === 'skipped') {
      this.log?.(`container ${dirName}: skipped, ${result.reason} (${file})`);
      return undefined;
    }
    if (result.kind === 'repaired') {
      const what = result.problems.map((p) => p.path).join(', ');
      this.log?.(`container ${dirName.slice(0, 12)}: repaired its record, dropped values of the wrong type: ${what} (${result.problems[0].message})`);
      this.add(result.record);
      await this.save(result.record).catch(() => undefined);
    }
    return result.record;
  }
}
