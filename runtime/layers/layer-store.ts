// Unpacked layers, one per chain ID: <root>/layers/<chain hex>/{layer.json,diff/}. A layer is unpacked in
// <root>/tmp and renamed into place with its layer.json, so a layer folder is always complete.
// The tar itself is kept as a blob too (uncompressed from load/import, compressed from a registry),
// which is what save and push hand out again byte for byte.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { InvalidError, NotFoundError } from '../errdefs.js';
import type { BlobStore } from '../content/blob-store.js';
import { DigestMismatchError } from '../content/blob-store.js';
import { DigestingStream, digestHex, sha256Digest } from '../content/digest.js';
import { syncDir, writeJsonAtomic } from '../fs/atomic-write.js';
import type { TempSpace } from '../fs/temp-dir.js';
import { openDecompressed } from './decompress.js';
import { unpackLayer, type UnpackResult } from './unpack.js';

export const MEDIA_TYPE_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
export const MEDIA_TYPE_OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MEDIA_TYPE_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const MEDIA_TYPE_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
const FILE_READ_CHUNK = 1024 * 1024;

export interface DistributionBlob {
  digest: string;
  size: number;
  mediaType: string;
}

export interface LayerRecord {
  chainId: string;
  diffId: string;
  parent?: string;
  /** Bytes of file content. */
  size: number;
  /** Bytes of the uncompressed tar. */
  diffSize: number;
  /** The uncompressed tar is stored as blob `diffId`. */
  hasTarBlob: boolean;
  /** A compressed form (from a registry, or made for a push). */
  compressed?: DistributionBlob;
}

export function chainIdOf(parent: string | undefined, diffId: string): string {
  return parent ? sha256Digest(`${parent} ${diffId}`) : diffId;
}

export function chainIdsOf(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(chainIdOf(out[out.length - 1], d));
  return out;
}

export interface CreateLayerOptions {
  parent?: string;
  /** The diff ID the image config promises; a mismatch fails the unpack. */
  expectedDiffId?: string;
  /** Set when `source` is this registry blob (in the blob store, or by the time `commitAfter` settles). */
  compressed?: DistributionBlob;
  /**
   * Work the commit depends on, e.g. the parent layer being unpacked at the same time, or the
   * `compressed` blob still being stored. The tar is extracted meanwhile; the layer is committed (and
   * opaque directories are applied against the parent) only once this resolves, and fails if it rejects.
   */
  commitAfter?: Promise<unknown>;
}

/** `source` reads this file (on the root's filesystem) through `hasher`; the file becomes the layer's blob. */
interface KeptFile {
  path: string;
  hasher: DigestingStream;
  /** The file's digest as its archive names it, checked before the layer is committed. */
  digest?: string;
}

export class LayerStore {
  private readonly dir: string;
  private readonly layers = new Map<string, LayerRecord>();
  private readonly inflight = new Map<string, Promise<LayerRecord>>();

  /**
   * `chownFiles`: give unpacked files their owners from the tar (false for a rootless daemon that maps
   * only its own id: it cannot give files any other owner). Default: when running as root.
   */
  constructor(root: string, private readonly blobs: BlobStore, private readonly temp: TempSpace, private readonly chownFiles = process.getuid?.() === 0) {
    this.dir = join(root, 'layers');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const name of await readdir(this.dir)) {
      try {
        const record = JSON.parse(await readFile(join(this.dir, name, 'layer.json'), 'utf8')) as LayerRecord;
        this.layers.set(record.chainId, record);
      } catch {
        // A folder without a readable layer.json was never committed.
        await rm(join(this.dir, name), { recursive: true, force: true });
      }
    }
  }

  get(chainId: string): LayerRecord | undefined {
    return this.layers.get(chainId);
  }

  all(): LayerRecord[] {
    return [...this.layers.values()];
  }

  diffDir(chainId: string): string {
    return join(this.dir, digestHex(chainId), 'diff');
  }

  /** Unpacked dirs of `chainId` and its parents, nearest first (overlay lowerdir order). */
  lowerDirs(chainId: string | undefined): string[] {
    const out: string[] = [];
    for (let id = chainId; id; id = this.layers.get(id)?.parent) out.push(this.diffDir(id));
    return out;
  }

  /**
   * Unpacks a layer tar file (plain or gzip) that lies on the root's filesystem, such as one from an
   * unpacked `docker load` archive. The file itself becomes the layer's blob, by hard link: the layer
   * is written once, not copied. `digest`, when the archive names one, must be the file's.
   */
  async createFromFile(file: string, opts: CreateLayerOptions & { digest?: string } = {}): Promise<LayerRecord> {
    const { digest, ...layerOpts } = opts;
    const existing = opts.expectedDiffId ? this.layers.get(chainIdOf(opts.parent, opts.expectedDiffId)) : undefined;
    if (existing) return existing;
    const hasher = new DigestingStream();
    pipeline(createReadStream(file, { highWaterMark: FILE_READ_CHUNK }), hasher).catch(() => undefined);
    return this.create(hasher, layerOpts, { path: file, hasher, digest });
  }

  /** Unpacks `source` as a new layer on top of `parent`, or returns the existing layer with the same chain ID. */
  async create(source: Readable, opts: CreateLayerOptions = {}, kept?: KeptFile): Promise<LayerRecord> {
    if (opts.expectedDiffId) {
      const chainId = chainIdOf(opts.parent, opts.expectedDiffId);
      const existing = this.layers.get(chainId);
      if (existing) {
        source.resume();
        return existing;
      }
      const running = this.inflight.get(chainId);
      if (running) {
        source.resume();
        return running;
      }
      const job = this.unpack(source, opts, kept);
      this.inflight.set(chainId, job);
      try {
        return await job;
      } finally {
        this.inflight.delete(chainId);
      }
    }
    return this.unpack(source, opts, kept);
  }

  private async unpack(source: Readable, opts: CreateLayerOptions, kept?: KeptFile): Promise<LayerRecord> {
    const checkParent = (): void => {
      if (opts.parent && !this.layers.has(opts.parent)) throw new NotFoundError(`parent layer ${opts.parent} is missing`);
    };
    if (!opts.commitAfter) checkParent();
    const work = await this.temp.makeDir('layer');
    try {
      // Without a registry blob or a kept file to hand out later, keep the tar itself.
      const tarFile = opts.compressed || kept ? undefined : join(work, 'layer.tar');
      const result = await unpackLayer(source, join(work, 'diff'), {
        chown: this.chownFiles,
        lowerDirs: async () => {
          await opts.commitAfter;
          checkParent();
          return this.lowerDirs(opts.parent);
        },
        copyTo: tarFile ? createWriteStream(tarFile) : undefined,
      });
      if (opts.expectedDiffId && result.diffId !== opts.expectedDiffId) {
        throw new DigestMismatchError(opts.expectedDiffId, result.diffId, 'layer diff ID');
      }
      const chainId = chainIdOf(opts.parent, result.diffId);
      const existing = this.layers.get(chainId);
      if (existing) return existing;
      if (tarFile) await this.blobs.adopt(tarFile, result.diffId);
      const keptBlob = kept ? await this.keepFile(kept, result) : undefined;
      const compressed = opts.compressed ?? (keptBlob?.digest !== result.diffId ? keptBlob : undefined);
      const record: LayerRecord = {
        chainId,
        diffId: result.diffId,
        parent: opts.parent,
        size: result.size,
        diffSize: result.diffSize,
        hasTarBlob: tarFile !== undefined || keptBlob?.digest === result.diffId || (await this.blobs.has(result.diffId)),
        ...(compressed ? { compressed } : {}),
      };
      await writeJsonAtomic(join(work, 'layer.json'), record);
      await rename(work, join(this.dir, digestHex(chainId)));
      await syncDir(this.dir);
      this.layers.set(chainId, record);
      return record;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Checks a kept file against its archive's digest and links it into the blob store: as the tar itself, or as its gzip form. */
  private async keepFile(kept: KeptFile, result: UnpackResult): Promise<DistributionBlob> {
    const digest = kept.hasher.digest;
    if (kept.digest && kept.digest !== digest) throw new DigestMismatchError(kept.digest, digest, 'layer');
    await this.blobs.link(kept.path, digest);
    return { digest, size: kept.hasher.size, mediaType: result.compression === 'gzip' ? MEDIA_TYPE_LAYER_GZIP : result.compression === 'zstd' ? MEDIA_TYPE_LAYER_ZSTD : MEDIA_TYPE_LAYER_TAR };
  }

  /** The uncompressed layer tar (for save), checked against its blob's digest as it is read. */
  async openTar(chainId: string): Promise<Readable> {
    const blob = await this.tarBlob(chainId);
    const data = this.blobs.openVerified(blob);
    return blob === this.require(chainId).diffId ? data : (await openDecompressed(data)).stream;
  }

  /** Reads the blob behind openTar once; CorruptBlobError when it is damaged on disk. */
  async verifyTar(chainId: string): Promise<void> {
    await this.blobs.verify(await this.tarBlob(chainId));
  }

  /** The blob a layer's tar is read from: the tar itself, or the compressed blob it came in. */
  private async tarBlob(chainId: string): Promise<string> {
    const layer = this.require(chainId);
    if (layer.hasTarBlob && (await this.blobs.has(layer.diffId))) return layer.diffId;
    if (layer.compressed && (await this.blobs.has(layer.compressed.digest))) return layer.compressed.digest;
    throw new NotFoundError(`the tar of layer ${layer.diffId} is no longer in the store`);
  }

  /** A gzip blob of the layer for a push: the registry one, or one made now and remembered. */
  async compressedBlob(chainId: string): Promise<DistributionBlob> {
    const layer = this.require(chainId);
    if (layer.compressed && (await this.blobs.has(layer.compressed.digest))) return layer.compressed;
    if (!layer.hasTarBlob) throw new NotFoundError(`the tar of layer ${layer.diffId} is no longer in the store`);
    const gz = new PassThrough();
    const stored = this.blobs.put(gz);
    stored.catch(() => undefined); // a damaged tar fails the pipeline, which ends the put too
    // A damaged tar must not become a fresh gzip blob with a valid digest of its own.
    await pipeline(this.blobs.openVerified(layer.diffId), createGzip(), gz);
    const { digest, size } = await stored;
    const updated: LayerRecord = { ...layer, compressed: { digest, size, mediaType: MEDIA_TYPE_LAYER_GZIP } };
    await writeJsonAtomic(join(this.dir, digestHex(chainId), 'layer.json'), updated);
    this.layers.set(chainId, updated);
    return updated.compressed as DistributionBlob;
  }

  /** Blobs the layer owns, for garbage collection. */
  blobsOf(layer: LayerRecord): string[] {
    const out: string[] = [];
    if (layer.hasTarBlob) out.push(layer.diffId);
    if (layer.compressed) out.push(layer.compressed.digest);
    return out;
  }

  async remove(chainId: string): Promise<void> {
    const layer = this.layers.get(chainId);
    if (!layer) return;
    // Rename first so a crash never leaves a half-deleted folder that still looks committed.
    const doomed = this.temp.path('deleted-layer');
    await rename(join(this.dir, digestHex(chainId)), doomed);
    this.layers.delete(chainId);
    await rm(doomed, { recursive: true, force: true });
  }

  private require(chainId: string): LayerRecord {
    const layer = this.layers.get(chainId);
    if (!layer) throw new InvalidError(`layer ${chainId} is not in the store`);
    return layer;
  }
}
