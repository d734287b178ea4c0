// Named and anonymous volumes under <root>/volumes/<name>/_data, with metadata in <name>/meta.json.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../fs/atomic-write.js';
import { ConflictError, InvalidError, NotFoundError } from '../errdefs.js';
import { bool, repairValue, str, strMap, struct } from '../schema/go-json.js';

export interface VolumeRecord { Name: string; Driver: 'local'; Mountpoint: string; CreatedAt: string; Labels: Record<string, string>; Scope: 'local'; Options: Record<string, string> | null; Anonymous?: boolean }

const VOLUME_RECORD = struct('VolumeRecord', { Name: str, Driver: str, Mountpoint: str, CreatedAt: str, Labels: strMap, Scope: str, Options: strMap, Anonymous: bool });

export type VolumeEvent = (action: string, name: string, attrs: Record<string, string>) => void;

export class VolumeService {
  private readonly volumes = new Map<string, VolumeRecord>();
  private readonly dir: string;

  /** `usedBy(name)` lists container ids using a volume, supplied by the container service. */
  constructor(root: string, private readonly usedBy: (name: string) => string[] = () => [], private readonly publish: VolumeEvent = () => undefined) {
    this.dir = join(root, 'volumes');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(join(this.dir, name, 'meta.json'), 'utf8'));
      } catch { continue; /* a half-created volume: no meta.json, ignored */ }
      // Volumes created before bodies were checked may hold labels of the wrong type, which break
      // `docker volume ls` for every client: those values are dropped (one log line).
      const { value, problems } = repairValue<Partial<VolumeRecord>>(raw, VOLUME_RECORD);
      if (!value.Name || !value.Mountpoint) {
        process.stderr.write(`berthd: volume ${name}: skipped, its meta.json has no valid Name or Mountpoint\n`);
        continue;
      }
      const rec = { ...value, Labels: value.Labels ?? {}, Options: value.Options ?? null } as VolumeRecord;
      if (problems.length) {
        process.stderr.write(`berthd: volume ${rec.Name}: repaired its record, dropped values of the wrong type: ${problems.map((p) => p.path).join(', ')}\n`);
        await writeJsonAtomic(join(this.dir, name, 'meta.json'), rec).catch(() => undefined);
      }
      this.volumes.set(rec.Name, rec);
    }
  }

  list(): VolumeRecord[] { return [...this.volumes.values()]; }

  get(name: string): VolumeRecord {
    const v = this.volumes.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }

  async create(opts: { Name?: string; Driver?: string; Labels?: Record<string, string> | null; DriverOpts?: Record<string, string> | null } = {}, anonymous = false): Promise<VolumeRecord> {
    const name = opts.Name || randomBytes(32).toString('hex');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new InvalidError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
    // The name is a folder name: the filesystem takes at most 255 bytes.
    if (name.length > 255) throw new InvalidError(`create ${name.slice(0, 40)}...: a volume name has at most 255 characters`);
    if (opts.Driver && opts.Driver !== 'local') throw new InvalidError(`volume driver "${opts.Driver}" is not supported: use local`);
    const existing = this.volumes.get(name);
    if (existing) return existing; // Docker: creating an existing volume returns it
    const base = join(this.dir, name);
    // The volume's folder is root's alone (a container with its own user namespace gets in through its group: runtime/userns/ownership.ts).
    await mkdir(base, { recursive: true, mode: 0o700 });
    await mkdir(join(base, '_data'), { recursive: true, mode: 0o755 });
    const rec: VolumeRecord = { Name: name, Driver: 'local', Mountpoint: join(base, '_data'), CreatedAt: new Date().toISOString(), Labels: opts.Labels ?? {}, Scope: 'local', Options: opts.DriverOpts ?? null, ...(anonymous ? { Anonymous: true } : {}) };
    await writeJsonAtomic(join(base, 'meta.json'), rec);
    this.volumes.set(name, rec);
    this.publish('create', name, { driver: 'local' });
    return rec;
  }

  async remove(name: string, force = false): Promise<void> {
    const v = this.volumes.get(name);
    if (!v) { if (force) return; throw new NotFoundError(`get ${name}: no such volume`); }
    const users = this.usedBy(name);
    if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
    this.volumes.delete(name);
    await rm(join(this.dir, name), { recursive: true, force: true });
    this.publish('destroy', name, { driver: 'local' });
  }

  /** Removes unused volumes: anonymous ones, or all with `all`; `keep` holds some back (label filters). */
  async prune(all = false, keep: (v: VolumeRecord) => boolean = () => false): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    for (const v of this.list()) {
      if (this.usedBy(v.Name).length || (!all && !v.Anonymous) || keep(v)) continue;
      await this.remove(v.Name);
      deleted.push(v.Name);
    }
    return { VolumesDeleted: deleted, SpaceReclaimed: 0 };
  }

  exists(name: string): boolean { return this.volumes.has(name) && existsSync(this.volumes.get(name)!.Mountpoint); }
}
