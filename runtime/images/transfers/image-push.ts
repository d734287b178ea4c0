// `docker push`: reuses a registry manifest the image came with when all its blobs are here, otherwise
// writes a Docker v2 schema 2 manifest over gzip layer blobs (made on demand for loaded/imported layers).
import type { ProgressSink } from '../../progress/json-message.js';
import type { BlobStore } from '../../content/blob-store.js';
import { NotFoundError } from '../../errdefs.js';
import { MEDIA_TYPE_LAYER_GZIP, type LayerStore } from '../../layers/layer-store.js';
import { pushImage, type PushableImage } from '../../registry/push.js';
import type { RegistryNetwork } from '../../registry/registry-network.js';
import type { RegistryCredentials } from '../../registry/transfer-types.js';
import type { ImageService } from '../image-service.js';
import type { ImageEntry } from '../image-store.js';
import { damagedImageError, isDamagedBlob } from './damaged-image.js';
import { canonicalString, familiarString, parseReference, repositoryName, withDefaultTag, type ImageReference } from '../reference.js';

export interface PushRequest {
  name: string;
  tag?: string;
  credentials?: RegistryCredentials;
  network?: RegistryNetwork;
}

const SCHEMA2 = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';

export async function pushFromStore(images: ImageService, blobs: BlobStore, layers: LayerStore, req: PushRequest, out: ProgressSink): Promise<void> {
  const base = parseReference(req.name);
  const refs: ImageReference[] = [];
  if (req.tag) refs.push({ ...base, tag: req.tag, digest: undefined });
  else if (base.tag || base.digest) refs.push(base);
  else {
    // No tag: every tag of the repository, as `docker push --all-tags`.
    const repo = repositoryName(base);
    for (const [r] of images.store.references.entries()) {
      const p = parseReference(r);
      if (!r.includes('@') && repositoryName(p) === repo) refs.push(p);
    }
    if (!refs.length) refs.push(withDefaultTag(base));
  }
  const targets = refs.map((ref) => ({ ref, entry: images.store.lookup(canonicalString(ref)) }));
  const missing = targets.find((t) => !t.entry);
  if (missing) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarString(missing.ref)}`);
  out.write({ status: `The push refers to repository [${repositoryName(base)}]` });
  for (const { ref, entry } of targets) {
    let result;
    let image;
    try {
      image = await pushable(blobs, layers, entry as ImageEntry);
      result = await pushImage(
        { registry: ref.domain, repository: ref.path, tag: ref.tag, digest: ref.digest },
        image,
        { credentials: req.credentials, source: blobs, progress: (m) => out.write(m), signal: out.signal, network: req.network },
      );
    } catch (err) {
      // The uploads check every blob as it is read: a damaged one never reaches the registry whole.
      throw isDamagedBlob(err) ? damagedImageError(familiarString(ref), err) : err;
    }
    await blobs.ingestBuffer(result.digest, image.manifest);
    const e = entry as ImageEntry;
    const repository = repositoryName(ref);
    if (!e.record.manifests.some((m) => m.repository === repository && m.digest === result.digest)) {
      await images.store.saveRecord({ ...e.record, manifests: [...e.record.manifests, { repository, digest: result.digest, mediaType: image.manifestMediaType }] });
    }
    images.events.emit('image', 'push', familiarString(ref), { name: familiarString(ref), ...images.labels(e) });
  }
}

async function pushable(blobs: BlobStore, layers: LayerStore, entry: ImageEntry): Promise<PushableImage> {
  for (const m of entry.record.manifests) {
    if (!(await blobs.has(m.digest))) continue;
    const bytes = await blobs.read(m.digest);
    try {
      const doc = JSON.parse(bytes.toString('utf8')) as { layers?: { digest: string; size: number; mediaType: string }[] };
      const ls = doc.layers ?? [];
      if (ls.length === entry.chainIds.length && (await Promise.all(ls.map((l) => blobs.has(l.digest)))).every(Boolean)) {
        return { manifest: bytes, manifestMediaType: m.mediaType, configDigest: entry.id, layers: ls };
      }
    } catch {
      // Unreadable stored manifest: write a new one.
    }
  }
  const layerBlobs = [];
  for (const chainId of entry.chainIds) {
    const blob = await layers.compressedBlob(chainId);
    layerBlobs.push({ digest: blob.digest, size: blob.size, mediaType: blob.mediaType.includes('gzip') ? MEDIA_TYPE_LAYER_GZIP : blob.mediaType });
  }
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: SCHEMA2,
    config: { mediaType: CONFIG_TYPE, size: entry.configSize, digest: entry.id },
    layers: layerBlobs,
  }, null, 3));
  return { manifest, manifestMediaType: SCHEMA2, configDigest: entry.id, layers: layerBlobs };
}
