// A pass-through that fails at its end when the bytes do not hash to the expected digest, so whatever
// consumes it (an unpack) fails before committing anything.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DigestMismatchError } from './blob-store.js';

export class DigestVerifier extends Transform {
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly expected: string, private readonly what: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    const actual = `sha256:${this.hash.digest('hex')}`;
    cb(actual === this.expected ? null : new DigestMismatchError(this.expected, actual, this.what));
  }
}
