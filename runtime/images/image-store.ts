// Images: the config blob (its digest is the image ID) plus a record in <root>/images/<hex>.json, and the
// references in the ReferenceStore. Order of writes: blobs, layers, config, record, references, so a crash
// leaves either a complete image or unreferenced leftovers that init() collects.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError, InvalidError } from '../errdefs.js';
import { CorruptBlobError, type BlobStore } from '../content/blob-store.js';
import { digestHex, sha256Digest } from '../content/digest.js';
import { writeJsonAtomic } from '../fs/atomic-write.js';
import { chainIdsOf, type LayerStore } from '../layers/layer-store.js';
import { parseImageConfig, type ImageConfig } from './image-config.js';
import {
  canonicalString, looksLikeImageId, parseReference, repositoryName, withDefaultTag, type ImageReference,
} from './reference.js';
import { ReferenceStore } from './reference-store.js';

export interface ManifestRef {
  /** Canonical repository the manifest was pulled from or pushed to. */
  repository: string;
  /** Digest of the platform manifest (kept as a blob, reused for push). */
  digest: string;
  mediaType: string;
  /** What RepoDigests shows: the manifest list / index digest when pulled through one. */
  repoDigest?: string;
}

export interface ImageRecord {
  id: string;
  /** Image this one was built on (legacy builder). */
  parent?: string;
  /** When the image entered this store (RFC 3339). */
  addedAt: string;
  lastTagTime?: string;
  /** Registry manifests of this image, whose blobs are kept for push and RepoDigests. */
  manifests: ManifestRef[];
  /** A build step's image that is not (yet) a build result: kept for the step cache, listed only with `all`. */
  buildStep?: boolean;
  /**
   * Deleted by `rmi -f` while a stopped container still used it. Docker keeps such a container's layers
   * alive by reference counts; here the record stays, invisible to every lookup but the container's own
   * (ImageStore.getDeleted), until no container uses it (ImageStore.sweepDeleted).
   */
  deleted?: boolean;
}

export interface ImageEntry {
  id: string;
  record: ImageRecord;
  config: ImageConfig;
  configSize: number;
  /** Chain IDs of the layers, bottom first. */
  chainIds: string[];
  /** Bytes of file content of all layers. */
  size: number;
}

export class ImageStore {
  readonly references: ReferenceStore;
  private readonly dir: string;
  private readonly images = new Map<string, ImageEntry>();
  /** Operations that add blobs and layers before their image is recorded; garbage collection waits for them. */
  private busy = 0;
  private gcPending = false;

  constructor(root: string, private readonly blobs: BlobStore, readonly layers: LayerStore) {
    this.dir = join(root, 'images');
    this.references = new ReferenceStore(root);
  }

  /** Loads every complete image; drops records whose config or layers are missing, then collects garbage. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.references.init();
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      try {
        const record = JSON.parse(await readFile(file, 'utf8')) as ImageRecord;
        const entry = await this.loadEntry(record);
        if (entry) {
          this.images.set(entry.id, entry);
          continue;
        }
      } catch (err) {
        // Unreadable record: treated as absent. A damaged config is worth saying: the image is gone.
        if (err instanceof CorruptBlobError) {
          const id = `sha256:${name.slice(0, -'.json'.length)}`;
          const names = [...this.references.entries()].filter(([, i]) => i === id).map(([r]) => r);
          process.stderr.write(`berthd: image ${names.join(', ') || id} is dropped: its config ${err.message}; pull or load it again\n`);
        }
      }
      await rm(file, { force: true });
    }
    const dangling = [...this.references.entries()].filter(([, id]) => !this.images.has(id)).map(([ref]) => ref);
    if (dangling.length) await this.references.update((refs) => dangling.forEach((r) => refs.delete(r)));
    await this.collectGarbage();
  }

  private async loadEntry(record: ImageRecord): Promise<ImageEntry | undefined> {
    if (!(await this.blobs.has(record.id))) return undefined;
    const raw = await this.blobs.read(record.id);
    const config = parseImageConfig(raw);
    const chainIds = chainIdsOf(config.rootfs.diff_ids);
    if (!chainIds.every((c) => this.layers.get(c))) return undefined;
    return this.entryFor(record, config, raw.length, chainIds);
  }

  private entryFor(record: ImageRecord, config: ImageConfig, configSize: number, chainIds: string[]): ImageEntry {
    const size = chainIds.reduce((sum, c) => sum + (this.layers.get(c)?.size ?? 0), 0);
    return { id: record.id, record, config, configSize, chainIds, size };
  }

  /** The exact config bytes (the image ID is their digest). */
  async readConfig(id: string): Promise<Buffer> {
    return this.blobs.read(id);
  }

  get(id: string): ImageEntry | undefined {
    const entry = this.images.get(id);
    return entry?.record.deleted ? undefined : entry;
  }

  list(): ImageEntry[] {
    return [...this.images.values()].filter((e) => !e.record.deleted);
  }

  get count(): number {
    return this.list().length;
  }

  /** An image `rmi -f` deleted while a stopped container used it, by its full ID (for that container). */
  getDeleted(id: string): ImageEntry | undefined {
    const entry = this.images.get(id);
    return entry?.record.deleted ? entry : undefined;
  }

  /** Hides an untagged image from everything but its containers; its layers stay until sweepDeleted. */
  async markDeleted(id: string): Promise<void> {
    const entry = this.images.get(id);
    if (entry && !entry.record.deleted) await this.saveRecord({ ...entry.record, deleted: true });
  }

  /** Removes the deleted images no container uses any more; returns the bytes reclaimed. */
  async sweepDeleted(inUse: (id: string) => boolean): Promise<number> {
    let reclaimed = 0;
    for (const entry of [...this.images.values()]) {
      if (entry.record.deleted && !inUse(entry.id)) reclaimed += await this.delete(entry.id);
    }
    return reclaimed;
  }

  /**
   * Records an image whose layers are already in the layer store. Returns the existing entry when the
   * config is already known (merging manifests and parent).
   */
  async add(configBytes: Buffer, opts: { parent?: string; manifest?: ManifestRef; buildStep?: boolean } = {}): Promise<ImageEntry> {
    const config = parseImageConfig(configBytes);
    const id = sha256Digest(configBytes);
    const chainIds = chainIdsOf(config.rootfs.diff_ids);
    const missing = chainIds.find((c) => !this.layers.get(c));
    if (missing) throw new InvalidError(`cannot record image ${id}: layer ${missing} is not unpacked`);
    const existing = this.images.get(id);
    if (existing) {
      let record = existing.record;
      if (record.deleted) {
        // Pulled, loaded or built again: the image is back.
        const { deleted: _deleted, ...visible } = record;
        record = visible;
      }
      if (opts.manifest && !record.manifests.some((m) => m.digest === opts.manifest?.digest && m.repository === opts.manifest.repository)) {
        record = { ...record, manifests: [...record.manifests, opts.manifest] };
      }
      if (record !== existing.record) await this.saveRecord(record);
      return this.images.get(id) as ImageEntry;
    }
    if (!(await this.blobs.has(id))) await this.blobs.putBuffer(configBytes);
    const record: ImageRecord = {
      id,
      parent: opts.parent,
      addedAt: new Date().toISOString(),
      manifests: opts.manifest ? [opts.manifest] : [],
      ...(opts.buildStep ? { buildStep: true } : {}),
    };
    await writeJsonAtomic(this.recordPath(id), record);
    const entry = this.entryFor(record, config, configBytes.length, chainIds);
    this.images.set(id, entry);
    return entry;
  }

  async saveRecord(record: ImageRecord): Promise<void> {
    const entry = this.images.get(record.id);
    if (!entry) throw new NotFoundError(`No such image: ${record.id}`);
    await writeJsonAtomic(this.recordPath(record.id), record);
    entry.record = record;
  }

  /**
   * Finds an image by reference (`busybox`, `me/x:1`, `x@sha256:...`), full ID or ID prefix
   * (`sha256:abc`, `abc`). Throws not-found with Docker's message.
   */
  resolve(nameOrId: string): ImageEntry {
    const found = this.lookup(nameOrId);
    if (!found) throw new NotFoundError(`No such image: ${nameOrId}`);
    return found;
  }

  lookup(nameOrId: string): ImageEntry | undefined {
    let ref: ImageReference | undefined;
    try {
      ref = withDefaultTag(parseReference(nameOrId));
    } catch {
      ref = undefined;
    }
    if (ref) {
      const id = this.references.get(canonicalString(ref));
      if (id) return this.get(id);
      if (ref.digest) {
        // A digest reference matches any image pulled with that manifest from that repository.
        const repo = repositoryName(ref);
        for (const e of this.list()) {
          if (e.record.manifests.some((m) => (m.digest === ref?.digest || m.repoDigest === ref?.digest) && m.repository === repo)) return e;
        }
      }
    }
    if (looksLikeImageId(nameOrId)) return this.byIdPrefix(nameOrId);
    return undefined;
  }

  private byIdPrefix(input: string): ImageEntry | undefined {
    const prefix = input.startsWith('sha256:') ? input : `sha256:${input}`;
    const exact = this.get(prefix);
    if (exact) return exact;
    let match: ImageEntry | undefined;
    for (const entry of this.list()) {
      if (!entry.id.startsWith(prefix)) continue;
      if (match) throw new InvalidError(`${input} is ambiguous: it is the start of more than one image ID`);
      match = entry;
    }
    return match;
  }

  /** Canonical references (tags and digests) that point at `id`. */
  refsOf(id: string): string[] {
    return this.references.refsOf(id);
  }

  /** Images whose record names `id` as parent. */
  childrenOf(id: string): ImageEntry[] {
    return this.list().filter((e) => e.record.parent === id);
  }

  /** Removes the image record and then every layer and blob nothing else uses; returns the bytes reclaimed. */
  async delete(id: string): Promise<number> {
    const entry = this.images.get(id);
    if (!entry) return 0;
    const refs = this.refsOf(id);
    if (refs.length) await this.references.update((m) => refs.forEach((r) => m.delete(r)));
    await rm(this.recordPath(id), { force: true });
    this.images.delete(id);
    return this.collectGarbage();
  }

  /** Runs `work` (which stores blobs and layers for an image it records at the end) safe from garbage collection. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } catch (err) {
      // A failed operation may have left layers or blobs no image will ever use.
      this.gcPending = true;
      throw err;
    } finally {
      this.busy--;
      if (this.busy === 0 && this.gcPending) {
        this.gcPending = false;
        await this.collectGarbage().catch(() => undefined);
      }
    }
  }

  /** Deletes layers and blobs no image references. Returns the bytes of the layers it removed. */
  async collectGarbage(): Promise<number> {
    if (this.busy > 0) {
      this.gcPending = true;
      return 0;
    }
    let reclaimed = 0;
    const usedLayers = new Set<string>();
    const usedBlobs = new Set<string>();
    for (const e of this.images.values()) {
      usedBlobs.add(e.id);
      e.record.manifests.forEach((m) => usedBlobs.add(m.digest));
      e.chainIds.forEach((c) => usedLayers.add(c));
    }
    for (const layer of this.layers.all()) {
      if (!usedLayers.has(layer.chainId)) {
        reclaimed += layer.size;
        await this.layers.remove(layer.chainId);
      } else this.layers.blobsOf(layer).forEach((b) => usedBlobs.add(b));
    }
    let names: string[] = [];
    try {
      names = await readdir(this.blobs.dir);
    } catch {
      return reclaimed;
    }
    for (const hex of names) {
      if (!usedBlobs.has(`sha256:${hex}`)) await rm(join(this.blobs.dir, hex), { force: true });
    }
    return reclaimed;
  }

  private recordPath(id: string): string {
    return join(this.dir, `${digestHex(id)}.json`);
  }
}
