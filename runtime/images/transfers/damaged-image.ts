// What save and push say when an image's blobs are damaged on disk: the image, the blob's digest and
// what to do, instead of handing on content that no longer matches its digest.
import { CorruptBlobError, type BlobStore } from '../../content/blob-store.js';
import { SystemError } from '../../errdefs.js';
import type { LayerStore } from '../../layers/layer-store.js';
import { RegistryError } from '../../registry/errors.js';
import type { ImageEntry } from '../image-store.js';

export function damagedImageError(image: string, err: CorruptBlobError | RegistryError): SystemError {
  return new SystemError(`image ${image} is damaged: ${err.message}; remove it and pull or load it again`, { cause: err });
}

/** True for a blob of the local store that failed its digest check (read here, or while uploading). */
export function isDamagedBlob(err: unknown): err is CorruptBlobError | RegistryError {
  return err instanceof CorruptBlobError || (err instanceof RegistryError && err.kind === 'digest-mismatch' && /local store/.test(err.message));
}

/** Reads the config and every layer blob of `entry` once (before a save answers); throws damagedImageError. */
export async function verifyImageBlobs(blobs: BlobStore, layers: LayerStore, entry: ImageEntry, image: string): Promise<void> {
  try {
    await blobs.verify(entry.id);
    for (const chainId of entry.chainIds) await layers.verifyTar(chainId);
  } catch (err) {
    throw isDamagedBlob(err) ? damagedImageError(image, err) : err;
  }
}
