// A BlobSink + BlobSource in a temp directory, standing in for the image store in registry tests
// and the pull benchmark. Like the real store it hashes while writing and renames into place only
// when digest and size are right.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobSink, BlobSource } from '../../../../runtime/registry/transfer-types.js';

export class DirBlobStore implements BlobSink, BlobSource {
  private seq = 0;
  /** Digests ingested by this instance, in order (tests check what was downloaded). */
  readonly ingested: string[] = [];

  constructor(readonly dir: string) {}

  static async create(dir: string): Promise<DirBlobStore> {
    await mkdir(join(dir, 'tmp'), { recursive: true });
    return new DirBlobStore(dir);
  }

  path(digest: string): string {
    return join(this.dir, digest.replace(':', '-'));
  }

  async has(digest: string): Promise<boolean> {
    return stat(this.path(digest)).then(() => true, () => false);
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size;
  }

  open(digest: string): Readable {
    return createReadStream(this.path(digest), { highWaterMark: 1024 * 1024 });
  }

  async put(data: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    await writeFile(this.path(digest), data);
    return digest;
  }

  async ingest(digest: string, expectedSize: number | undefined, data: Readable): Promise<void> {
    const tmp = join(this.dir, 'tmp', `${process.pid}-${this.seq++}`);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(data, tap, createWriteStream(tmp));
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new Error(`sink: digest mismatch for ${digest}: got ${actual}`);
      if (expectedSize !== undefined && size !== expectedSize) throw new Error(`sink: size mismatch for ${digest}`);
      await rename(tmp, this.path(digest));
      this.ingested.push(digest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
}
