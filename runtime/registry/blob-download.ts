// Streams one blob from the registry into the sink, verified on the way: the declared length must
// match the manifest, and the bytes must add up to the size and digest (see VerifyingStream).
// Nothing is held in memory beyond stream buffers.
import { RegistryError } from './errors.js';
import { header, type RegistrySession } from './registry-session.js';
import { responseError, type FailureContext } from './response-errors.js';
import type { BlobSink } from './transfer-types.js';
import { VerifyingStream } from './verifying-stream.js';

export interface BlobDownload {
  repository: string;
  digest: string;
  size: number;
  /** For messages: `layer 3f4d90098f5b`. */
  what: string;
  failure: Omit<FailureContext, 'subject'>;
  onBytes?: (bytes: number) => void;
  /** All bytes arrived; the digest is being checked (Docker's `Verifying Checksum`). */
  onReceived?: () => void;
}

export async function downloadBlob(session: RegistrySession, sink: BlobSink, blob: BlobDownload): Promise<void> {
  const res = await session.send({
    method: 'GET',
    target: `/v2/${blob.repository}/blobs/${blob.digest}`,
    headers: { accept: '*/*' },
  });
  if (res.status !== 200) throw await responseError(res, { ...blob.failure, subject: blob.what });

  const declared = header(res.headers['content-length']);
  if (declared !== undefined && Number(declared) !== blob.size) {
    res.body.destroy();
    throw new RegistryError(
      'digest-mismatch',
      `registry announced ${declared} bytes for ${blob.what} but its manifest says ${blob.size}; the registry content is inconsistent`,
    );
  }

  const verifier = new VerifyingStream({ digest: blob.digest, size: blob.size, what: blob.what }, blob.onBytes, blob.onReceived);
  let failure: unknown;
  const failWith = (err: unknown): void => {
    failure ??= err;
    verifier.destroy(err instanceof Error ? err : new Error(String(err)));
  };
  res.body.on('error', (err) => {
    if (session.signal?.aborted) return failWith(session.signal.reason);
    if (err instanceof RegistryError) return failWith(err);
    const why = res.bodyError(err);
    failWith(new RegistryError('unavailable', `download of ${blob.what} was cut short after ${verifier.bytes} of ${blob.size} bytes: ${why.message}`, { cause: err }));
  });
  verifier.on('error', (err) => {
    failure ??= err;
    res.body.destroy();
  });
  res.body.pipe(verifier);

  try {
    await sink.ingest(blob.digest, blob.size, verifier, { verified: true });
  } catch (err) {
    // Our verdict on the bytes is more precise than the sink's echo of it.
    throw failure ?? err;
  }
  if (failure) throw failure;
}
