// sha256 digests of streams, as `sha256:<hex>`.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A pass-through that hashes and counts what flows through it. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private result: string | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.count += chunk.length;
    cb(null, chunk);
  }

  /** Valid once the stream has ended. */
  get digest(): string {
    this.result ??= `sha256:${this.hash.digest('hex')}`;
    return this.result;
  }

  get size(): number {
    return this.count;
  }
}

export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length);
}

const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export function isSha256Digest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}
