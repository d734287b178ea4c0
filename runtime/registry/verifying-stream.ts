// A pass-through that hashes and counts what flows through it and fails the stream (instead of
// ending it) when the bytes do not add up to the expected size and digest. The sink downstream
// (or the registry, for uploads) therefore never sees a clean end for a truncated, padded or
// corrupted blob.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RegistryError } from './errors.js';

export interface VerifyExpectation {
  digest: string;
  size: number;
  /** For messages: `layer 3f4d90098f5b`. */
  what: string;
  /** Whose bytes these are, for the wording of errors; default `registry` (a download). */
  from?: 'registry' | 'local store';
}

export class VerifyingStream extends Transform {
  bytes = 0;
  private readonly hash: Hash;
  /**
   * Uploads hold back the latest chunk until the digest is known good: a registry must never
   * receive a complete body with wrong content (it would answer before we could cancel).
   */
  private held: Buffer | undefined;

  constructor(
    private readonly expected: VerifyExpectation,
    private readonly onBytes?: (bytes: number) => void,
    private readonly onComplete?: () => void,
  ) {
    super();
    this.hash = createHash(expected.digest.startsWith('sha512:') ? 'sha512' : 'sha256');
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.expected.size) {
      const from = this.expected.from ?? 'registry';
      cb(new RegistryError('digest-mismatch', `${this.expected.what} is larger than the ${this.expected.size} bytes its manifest declares; the ${from} holds wrong content`));
      return;
    }
    this.hash.update(chunk);
    this.onBytes?.(this.bytes);
    if (this.expected.from !== 'local store') {
      cb(null, chunk);
      return;
    }
    const previous = this.held;
    this.held = chunk;
    cb(null, previous);
  }

  override _flush(cb: TransformCallback): void {
    if (this.bytes < this.expected.size) {
      cb(
        this.expected.from === 'local store'
          ? new RegistryError('invalid', `${this.expected.what} in the local store is truncated: ${this.bytes} of ${this.expected.size} bytes`)
          : new RegistryError('unavailable', `download of ${this.expected.what} was cut short: got ${this.bytes} of ${this.expected.size} bytes`),
      );
      return;
    }
    this.onComplete?.();
    const actual = `${this.expected.digest.slice(0, this.expected.digest.indexOf(':'))}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      const where = this.expected.from === 'local store' ? ' in the local store' : '';
      cb(new RegistryError('digest-mismatch', `${this.expected.what}${where} failed verification: expected digest ${this.expected.digest}, got ${actual}`));
      return;
    }
    cb(null, this.held);
  }
}
