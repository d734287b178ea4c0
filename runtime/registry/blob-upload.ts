// Sends one blob to the registry: HEAD to skip what is there, POST to open an upload session, then
// either one PUT carrying the blob (small blobs) or one streamed PATCH followed by a closing PUT
// (large blobs, which some registries refuse as a single PUT). The bytes are streamed from the
// source and checked against digest and size on the way.
import { RegistryError } from './errors.js';
import { discardBody } from './http-transport.js';
import { header, type RegistrySession } from './registry-session.js';
import { responseError, type FailureContext } from './response-errors.js';
import type { BlobSource } from './transfer-types.js';
import { VerifyingStream } from './verifying-stream.js';

export interface BlobUpload {
  repository: string;
  digest: string;
  size: number;
  /** For messages: `layer 3f4d90098f5b`. */
  what: string;
  failure: Omit<FailureContext, 'subject'>;
  onBytes?: (bytes: number) => void;
}

/** Blobs up to this size go up in a single PUT. */
export const MONOLITHIC_LIMIT = 16 * 1024 * 1024;

export async function blobExists(session: RegistrySession, blob: BlobUpload): Promise<boolean> {
  const res = await session.send({ method: 'HEAD', target: `/v2/${blob.repository}/blobs/${blob.digest}` });
  discardBody(res);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw await responseError(res, { ...blob.failure, subject: blob.what });
}

export async function uploadBlob(session: RegistrySession, source: BlobSource, blob: BlobUpload): Promise<void> {
  let localSize: number;
  try {
    localSize = await source.size(blob.digest);
  } catch (err) {
    throw new RegistryError('invalid', `${blob.what} (${blob.digest}) is missing from the local store; pull or rebuild the image`, { cause: err });
  }
  if (localSize !== blob.size) {
    throw new RegistryError('invalid', `${blob.what} has ${localSize} bytes in the local store but the manifest says ${blob.size}`);
  }

  const start = await session.send({ method: 'POST', target: `/v2/${blob.repository}/blobs/uploads/` });
  if (start.status !== 202) throw await responseError(start, { ...blob.failure, subject: `upload of ${blob.what}` });
  discardBody(start);
  let location = uploadLocation(session, start.url, header(start.headers.location), blob.what);

  try {
    const body = (): VerifyingStream => {
      const verifier = new VerifyingStream({ digest: blob.digest, size: blob.size, what: blob.what, from: 'local store' }, blob.onBytes);
      const data = source.open(blob.digest);
      data.on('error', (err) => verifier.destroy(err));
      return data.pipe(verifier);
    };
    const octets = { 'content-type': 'application/octet-stream' };
    if (blob.size > MONOLITHIC_LIMIT) {
      const patch = await session.send({
        method: 'PATCH',
        target: location,
        headers: { ...octets, 'content-length': String(blob.size), 'content-range': `0-${blob.size - 1}` },
        body: body(),
      });
      if (patch.status !== 202) throw await responseError(patch, { ...blob.failure, subject: blob.what });
      discardBody(patch);
      location = uploadLocation(session, patch.url, header(patch.headers.location), blob.what);
      location.searchParams.set('digest', blob.digest);
      const done = await session.send({ method: 'PUT', target: location, headers: octets });
      if (done.status !== 201) throw await responseError(done, { ...blob.failure, subject: blob.what });
      discardBody(done);
    } else {
      location.searchParams.set('digest', blob.digest);
      const put = await session.send({ method: 'PUT', target: location, headers: { ...octets, 'content-length': String(blob.size) }, body: body() });
      if (put.status !== 201) throw await responseError(put, { ...blob.failure, subject: blob.what });
      discardBody(put);
    }
  } catch (err) {
    cancelUpload(session, location);
    throw err;
  }
}

function uploadLocation(session: RegistrySession, base: URL, location: string | undefined, what: string): URL {
  if (!location) throw new RegistryError('unavailable', `registry ${session.endpoint.name} opened no upload location for ${what}`);
  return new URL(location, base);
}

/** Best effort: an abandoned upload would otherwise wait for the registry's own purge. */
function cancelUpload(session: RegistrySession, location: URL): void {
  if (session.signal?.aborted) return;
  session.send({ method: 'DELETE', target: location }).then(discardBody, () => undefined);
}
