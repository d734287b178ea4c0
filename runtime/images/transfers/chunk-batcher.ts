// Gathers a download's network-sized chunks (64 KiB) into bigger ones before they fan out to the blob
// file, gunzip, hashing and the tar parser: every chunk costs each of them a fixed overhead (a thread
// pool round trip for zlib and fs), so fewer, larger chunks make a pull markedly cheaper.
import { Transform, type TransformCallback } from 'node:stream';

const BATCH_BYTES = 1024 * 1024;

export class ChunkBatcher extends Transform {
  private parts: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly batchBytes = BATCH_BYTES) {
    super({ readableHighWaterMark: batchBytes, writableHighWaterMark: batchBytes });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.parts.push(chunk);
    this.bytes += chunk.length;
    if (this.bytes >= this.batchBytes) this.pushBatch();
    cb();
  }

  override _flush(cb: TransformCallback): void {
    if (this.bytes) this.pushBatch();
    cb();
  }

  private pushBatch(): void {
    const batch = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.bytes);
    this.parts = [];
    this.bytes = 0;
    this.push(batch);
  }
}
