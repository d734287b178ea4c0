// Where `docker pull` puts what it downloads. The config goes to the blob store; each layer is unpacked
// while it downloads, in one pass: the verified download is split between the blob file and the
// unpacker. Layers extract side by side into their own temp folders and commit in chain order, each
// once its parent is committed and its own blob is stored, so the store never holds a layer without
// its parent or its blob. A layer that fails to unpack aborts the pull (`signal`); a download cut off
// by the network fails only that attempt, and the registry client's retry starts the layer over.
import { pipeline, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { BlobStore } from '../../content/blob-store.js';
import { DiskFullError, InvalidError, isDiskFull } from '../../errdefs.js';
import { chainIdsOf, type LayerRecord, type LayerStore } from '../../layers/layer-store.js';
import type { PulledLayer } from '../../registry/pull.js';
import { statusMessage } from '../../registry/progress-format.js';
import type { BlobSink, IngestOptions, ProgressSink } from '../../registry/transfer-types.js';
import { parseImageConfig } from '../image-config.js';
import { shortId } from '../reference.js';
import { ChunkBatcher } from './chunk-batcher.js';
import { teeStream } from './tee-stream.js';

interface Deferred<T> {
  promise: Promise<T>;
  settled: boolean;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const d: Deferred<T> = {
    promise: new Promise<T>((res, rej) => { resolve = res; reject = rej; }),
    settled: false,
    resolve: (value) => { if (!d.settled) { d.settled = true; resolve(value); } },
    reject: (err) => { if (!d.settled) { d.settled = true; reject(err); } },
  };
  // Waiters attach their own handlers; an unobserved rejection must not take the daemon down.
  d.promise.catch(() => undefined);
  return d;
}

interface Slot {
  blob: PulledLayer;
  diffId: string;
  parent: string | undefined;
  /** idle: waiting for its blob; streaming: unpacking a download; started: unpacking, or done. */
  state: 'idle' | 'streaming' | 'started';
  committed: Deferred<LayerRecord>;
  /** Resolves once `Download complete` went out for its blob (at once when nothing is downloaded). */
  reported: Deferred<void>;
  /** The unpack failed while its download was healthy: a fault of the layer, not of the network. */
  ownFailure?: unknown;
}

export class UnpackingSink implements BlobSink {
  private slots: Slot[] = [];
  private readonly running = new Set<Promise<unknown>>();
  /** Blobs of streamed layers still being stored (fsync, rename). */
  private readonly storing = new Map<string, Promise<void>>();
  private readonly aborter = new AbortController();
  private failure: { error: unknown } | undefined;
  private full: DiskFullError | undefined;

  /** `subject`: the image being pulled, for messages (`busybox:latest`). */
  constructor(
    private readonly blobs: BlobStore,
    private readonly layers: LayerStore,
    private readonly progress: ProgressSink,
    private readonly subject = 'the image',
  ) {}

  /** The first full disk met, naming what was being written ("storing layer sha256:... of busybox:latest"). */
  get diskFull(): DiskFullError | undefined {
    return this.full;
  }

  /** Aborted with the first unpack failure; the pull passes it to the registry client. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** The registry client's `beforeLayers`: reads the config, then starts every layer whose blob is already here. */
  async prepare(image: { configDigest: string; layers: PulledLayer[] }): Promise<void> {
    const config = parseImageConfig(await this.blobs.read(image.configDigest), `image config ${image.configDigest}`);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== image.layers.length) {
      throw new InvalidError(`malformed image: the manifest has ${image.layers.length} layers but the config ${diffIds.length}`);
    }
    const chainIds = chainIdsOf(diffIds);
    this.slots = image.layers.map((blob, i) => ({
      blob,
      diffId: diffIds[i],
      parent: chainIds[i - 1],
      state: 'idle',
      committed: deferred<LayerRecord>(),
      reported: deferred<void>(),
    }));
    this.slots.forEach((slot, i) => {
      const existing = this.layers.get(chainIds[i]);
      if (!existing) return;
      slot.state = 'started';
      slot.committed.resolve(existing);
      slot.reported.resolve();
    });
    for (const digest of new Set(this.slots.filter((s) => s.state === 'idle').map((s) => s.blob.digest))) {
      if (await this.blobs.has(digest)) this.startFromStore(digest);
    }
  }

  /** A blob needs no download when it is stored, or when every layer made of it is already unpacked. */
  async has(digest: string): Promise<boolean> {
    const users = this.slots.filter((s) => s.blob.digest === digest);
    if (users.length && users.every((s) => s.state !== 'idle')) return true;
    return this.blobs.has(digest);
  }

  async ingest(digest: string, expectedSize: number | undefined, data: Readable, opts?: IngestOptions): Promise<void> {
    const slot = this.slots.find((s) => s.blob.digest === digest && s.state === 'idle');
    if (!slot) {
      const what = this.slots.some((s) => s.blob.digest === digest) ? `storing layer ${short(digest)} of ${this.subject}` : `storing the image config of ${this.subject}`;
      await this.blobs.ingest(digest, expectedSize, data, opts).catch((err: unknown) => { throw this.noteFull(err, what); });
      return;
    }
    slot.state = 'streaming';
    const batched = new ChunkBatcher();
    pipeline(data, batched, () => undefined);
    const [toStore, toUnpack] = teeStream(batched);
    const stored = this.blobs.ingest(digest, expectedSize, toStore, opts).catch((err: unknown) => { throw this.noteFull(err, `storing layer ${short(digest)} of ${this.subject}`); });
    const unpacked = this.unpack(slot, toUnpack, stored).catch((err: unknown) => {
      // Is the download to blame (cut off, wrong digest: the source failed first) or the layer itself?
      if (!data.errored) slot.ownFailure = err;
      toUnpack.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
    this.track(unpacked);
    this.track(stored);
    this.storing.set(digest, stored);
    try {
      // Received and verified is enough to free the download slot: the blob's fsync and the unpack
      // finish in the background, and the layer commits only after both.
      await finished(data);
    } catch (err) {
      await Promise.allSettled([unpacked, stored]);
      this.storing.delete(digest);
      if (slot.ownFailure !== undefined) {
        this.fail(slot.ownFailure);
        throw slot.ownFailure;
      }
      slot.state = 'idle';
      throw err;
    }
    slot.state = 'started';
    unpacked.then((record) => slot.committed.resolve(record), (err: unknown) => this.fail(err));
    // Later layers made of the same blob unpack from the store once it is there.
    stored.then(() => this.startFromStore(digest), () => undefined);
  }

  /** The image-pull's progress saw `Download complete` for this layer id. */
  downloadReported(id: string): void {
    for (const slot of this.slots) {
      if (shortId(slot.blob.digest) !== id || slot.reported.settled) continue;
      slot.reported.resolve();
      if (!slot.committed.settled) this.progress(statusMessage('Extracting', id));
    }
  }

  /** After the downloads: every layer committed, bottom first. Throws the first failure once all work has stopped. */
  async done(): Promise<LayerRecord[]> {
    // The downloads are over: every `Download complete` that will come has come.
    for (const slot of this.slots) slot.reported.resolve();
    for (const digest of new Set(this.slots.filter((s) => s.state === 'idle').map((s) => s.blob.digest))) {
      await this.storing.get(digest)?.catch(() => undefined);
      if (await this.blobs.has(digest)) this.startFromStore(digest);
      else this.fail(new InvalidError(`layer ${shortId(digest)} was never downloaded`));
    }
    const records: LayerRecord[] = [];
    try {
      for (const slot of this.slots) records.push(await slot.committed.promise);
    } catch (err) {
      this.fail(err);
    }
    await this.settle();
    if (this.failure) throw this.failure.error;
    return records;
  }

  /** The pull failed elsewhere: stop every layer and wait until their temp folders are gone. */
  async abandon(err: unknown): Promise<void> {
    this.fail(err);
    await this.settle();
  }

  private startFromStore(digest: string): void {
    for (const slot of this.slots) {
      if (slot.blob.digest !== digest || slot.state !== 'idle') continue;
      slot.state = 'started';
      slot.reported.resolve();
      this.progress(statusMessage('Extracting', shortId(digest)));
      const unpacked = this.unpack(slot, this.blobs.open(digest), Promise.resolve());
      this.track(unpacked);
      unpacked.then((record) => slot.committed.resolve(record), (err: unknown) => this.fail(err));
    }
  }

  private unpack(slot: Slot, source: Readable, blobStored: Promise<unknown>): Promise<LayerRecord> {
    const index = this.slots.indexOf(slot);
    const parentCommitted = index > 0 ? this.slots[index - 1].committed.promise : Promise.resolve();
    const commitAfter = Promise.all([parentCommitted, blobStored]);
    commitAfter.catch(() => undefined);
    const created = this.layers.create(source, { parent: slot.parent, expectedDiffId: slot.diffId, compressed: slot.blob, commitAfter })
      .catch((err: unknown) => { throw this.noteFull(err, `unpacking layer ${short(slot.blob.digest)} of ${this.subject}`); });
    // `Pull complete` follows the layer's `Download complete`, as in Docker's stream.
    this.track(Promise.all([created, slot.reported.promise]).then(() => {
      if (!this.failure) this.progress(statusMessage('Pull complete', shortId(slot.blob.digest)));
    }));
    return created;
  }

  /** Keeps the first full disk with what was being written; returns the error to throw. */
  private noteFull(err: unknown, what: string): unknown {
    if (!isDiskFull(err)) return err;
    this.full ??= new DiskFullError(what, { cause: err });
    return this.full;
  }

  private fail(err: unknown): void {
    if (!this.failure) {
      this.failure = { error: err };
      this.aborter.abort(err);
    }
    for (const slot of this.slots) {
      slot.committed.reject(this.failure.error);
      slot.reported.resolve();
    }
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(() => undefined, () => undefined);
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
  }

  private async settle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

/** `sha256:` and the first 12 hex digits: enough to find the blob, short enough for a message. */
function short(digest: string): string {
  return `${digest.slice(0, digest.indexOf(':') + 1)}${shortId(digest)}`;
}
