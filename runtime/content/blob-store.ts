// Content-addressed blobs: <root>/content/sha256/<hex>. Every write goes to a temp file that is hashed,
// fsynced and renamed into place only when its digest is right, so a blob file is always complete.
// Reads for what leaves the daemon or defines an image (save, push, image configs) are checked against
// the digest too (`read`, `openVerified`, `verify`): a file damaged on disk is a CorruptBlobError, never
// content handed on. `open` alone does not check (pull reads back what it has just verified).
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as streamPipeline, Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidError, NotFoundError, SystemError } from '../errdefs.js';
import type { BlobSink, BlobSource, IngestOptions } from '../registry/transfer-types.js';
import { syncDir } from '../fs/atomic-write.js';
import type { TempSpace } from '../fs/temp-dir.js';
import { DigestingStream, digestHex, isSha256Digest, sha256Digest } from './digest.js';

const READ_CHUNK = 1024 * 1024;

export class DigestMismatchError extends InvalidError {
  constructor(readonly expected: string, readonly actual: string, what = 'blob') {
    super(`${what} digest mismatch: expected ${expected}, got ${actual}; nothing was stored`);
  }
}

/** A stored blob whose bytes no longer hash to its digest (damaged on disk). */
export class CorruptBlobError extends SystemError {
  constructor(readonly digest: string, readonly actual: string) {
    super(`blob ${digest} is damaged on disk: its content hashes to ${actual}`);
  }
}

export class BlobStore implements BlobSink, BlobSource {
  readonly dir: string;

  constructor(root: string, private readonly temp: TempSpace) {
    this.dir = join(root, 'content', 'sha256');
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  path(digest: string): string {
    if (!isSha256Digest(digest)) throw new InvalidError(`invalid digest ${JSON.stringify(digest)}`);
    return join(this.dir, digestHex(digest));
  }

  async has(digest: string): Promise<boolean> {
    try {
      await stat(this.path(digest));
      return true;
    } catch {
      return false;
    }
  }

  async size(digest: string): Promise<number> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      throw new NotFoundError(`blob ${digest} is not in the store`);
    }
  }

  open(digest: string): Readable {
    // Blobs are layers of many MB: big reads keep the per-chunk costs of gunzip and hashing down.
    return createReadStream(this.path(digest), { highWaterMark: READ_CHUNK });
  }

  /** The whole blob (configs, manifests: small), checked against its digest. */
  async read(digest: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.path(digest));
    } catch {
      throw new NotFoundError(`blob ${digest} is not in the store`);
    }
    const actual = sha256Digest(data);
    if (actual !== digest) throw new CorruptBlobError(digest, actual);
    return data;
  }

  /** A stream of the blob that fails with CorruptBlobError at its end unless the bytes match the digest. */
  openVerified(digest: string): Readable {
    const hasher = new DigestingStream();
    const check = new Transform({
      transform: (chunk: Buffer, _enc, cb: TransformCallback) => cb(null, chunk),
      flush: (cb: TransformCallback) => cb(hasher.digest === digest ? null : new CorruptBlobError(digest, hasher.digest)),
    });
    // pipeline: a reader that stops early (a client gone mid-save) closes the file too.
    return streamPipeline(this.open(digest), hasher, check, () => undefined);
  }

  /** Reads the whole blob once to check it; CorruptBlobError when damaged. */
  async verify(digest: string): Promise<void> {
    if (!(await this.has(digest))) throw new NotFoundError(`blob ${digest} is not in the store`);
    await pipeline(this.openVerified(digest), new Writable({ write: (_c, _e, cb) => cb() }));
  }

  /**
   * Stores `data` if it hashes to `digest` (and has `expectedSize` bytes when given); otherwise stores
   * nothing. A `verified` stream is not hashed again: it fails by itself when its bytes are wrong.
   */
  async ingest(digest: string, expectedSize: number | undefined, data: Readable, opts: IngestOptions = {}): Promise<void> {
    const target = this.path(digest);
    if (await this.has(digest)) {
      await pipeline(data, new Writable({ write: (_c, _e, cb) => cb() }));
      return;
    }
    const { tmp, digest: actual, size } = await this.writeTemp(data, opts.verified ? digest : undefined);
    try {
      if (expectedSize !== undefined && size !== expectedSize) {
        throw new InvalidError(`blob ${digest} is truncated or too long: expected ${expectedSize} bytes, got ${size}; nothing was stored`);
      }
      if (actual !== digest) throw new DigestMismatchError(digest, actual);
      await rename(tmp, target);
      await syncDir(this.dir);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async ingestBuffer(digest: string, data: Uint8Array): Promise<void> {
    if (await this.has(digest)) return;
    await this.ingest(digest, data.length, Readable.from([Buffer.from(data)]));
  }

  /** Stores a stream of unknown digest and returns its digest and size. */
  async put(data: Readable): Promise<{ digest: string; size: number }> {
    const { tmp, digest, size } = await this.writeTemp(data);
    try {
      await rename(tmp, this.path(digest));
      await syncDir(this.dir);
    } finally {
      await rm(tmp, { force: true });
    }
    return { digest, size };
  }

  async putBuffer(data: Uint8Array): Promise<{ digest: string; size: number }> {
    return this.put(Readable.from([Buffer.from(data)]));
  }

  /** Moves a file whose digest the caller has already computed into the store (same filesystem). */
  async adopt(file: string, digest: string): Promise<void> {
    const fh = await open(file, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(file, this.path(digest));
    await syncDir(this.dir);
  }

  /**
   * Makes a file whose digest the caller has verified a blob by hard link (same filesystem), so a
   * file that must stay where it is (a layer in an unpacked archive) is not copied.
   */
  async link(file: string, digest: string): Promise<void> {
    const fh = await open(file, 'r');
    try { await fh.sync(); } finally { await fh.close(); }
    try {
      await link(file, this.path(digest));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await syncDir(this.dir);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** Writes `data` to a temp file and fsyncs it; hashes it unless the caller vouches for `knownDigest`. */
  private async writeTemp(data: Readable, knownDigest?: string): Promise<{ tmp: string; digest: string; size: number }> {
    const tmp = this.temp.path('blob');
    const hasher = knownDigest ? undefined : new DigestingStream();
    const out = createWriteStream(tmp, { mode: 0o644 });
    try {
      if (hasher) await pipeline(data, hasher, out);
      else await pipeline(data, out);
      const fh = await open(tmp, 'r');
      try { await fh.sync(); } finally { await fh.close(); }
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { tmp, digest: hasher?.digest ?? (knownDigest as string), size: hasher?.size ?? out.bytesWritten };
  }
}
