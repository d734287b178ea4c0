// `docker pull`: the registry client brings the blobs into the blob store; this unpacks the layers
// (checking each diff ID against the config), then records and tags the image. Until the image is
// recorded nothing is visible, and garbage collection keeps its hands off (store.track).
import type { JsonMessageStream } from '../../api/json-message-stream.js';
import type { BlobStore } from '../../content/blob-store.js';
import { InvalidError } from '../../errdefs.js';
import type { LayerStore } from '../../layers/layer-store.js';
import { pullImage } from '../../registry/pull.js';
import { statusMessage } from '../../registry/progress-format.js';
import type { Platform, RegistryCredentials } from '../../registry/transfer-types.js';
import { parseImageConfig } from '../image-config.js';
import type { ImageService } from '../image-service.js';
import { canonicalString, familiarName, familiarString, parseReference, repositoryName, shortId, withDefaultTag } from '../reference.js';

export interface PullRequest {
  image: string;
  tag?: string;
  platform: Platform;
  credentials?: RegistryCredentials;
}

export async function pullToStore(images: ImageService, blobs: BlobStore, layers: LayerStore, req: PullRequest, out: JsonMessageStream): Promise<void> {
  let name = req.image;
  if (req.tag) name += req.tag.startsWith('sha256:') ? `@${req.tag}` : `:${req.tag}`;
  const ref = withDefaultTag(parseReference(name));
  const familiar = familiarString(ref);
  const remote = { registry: ref.domain, repository: ref.path, tag: ref.tag, digest: ref.digest };
  // "Pulling from" goes out with the first progress message, so an unknown image is still an HTTP 404.
  let announced = false;
  const progress = (m: object): void => {
    if (!announced) {
      announced = true;
      out.write({ status: `Pulling from ${familiarName(ref).includes('/') || ref.domain !== 'docker.io' ? ref.path : `library/${familiarName(ref)}`}`, id: ref.tag ?? ref.digest });
    }
    out.write(m);
  };
  await images.store.track(async () => {
    const pulled = await pullImage(remote, { credentials: req.credentials, platform: req.platform, sink: blobs, progress, signal: out.signal });
    const configBytes = await blobs.read(pulled.configDigest);
    const config = parseImageConfig(configBytes, `image config ${pulled.configDigest}`);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== pulled.layers.length) {
      throw new InvalidError(`malformed image ${familiar}: the manifest has ${pulled.layers.length} layers but the config ${diffIds.length}`);
    }
    let parent: string | undefined;
    for (let i = 0; i < pulled.layers.length; i++) {
      const blob = pulled.layers[i];
      const id = shortId(blob.digest);
      progress(statusMessage('Extracting', id));
      const layer = await layers.create(blobs.open(blob.digest), { parent, expectedDiffId: diffIds[i], compressed: blob });
      progress(statusMessage('Pull complete', id));
      parent = layer.chainId;
    }
    const manifestRef = { repository: repositoryName(ref), digest: pulled.manifestDigest, mediaType: pulled.manifestMediaType, repoDigest: pulled.repoDigest };
    await blobs.ingestBuffer(pulled.manifestDigest, pulled.manifest);
    const entry = await images.store.add(configBytes, { manifest: manifestRef });
    const canonical = canonicalString(ref);
    const previous = images.store.references.get(canonical);
    if (previous !== entry.id) await images.addTag(entry, canonical);
    images.events.emit('image', 'pull', familiar, { name: familiar, ...images.labels(entry) });
    progress({ status: `Digest: ${pulled.repoDigest}` });
    progress({ status: previous === entry.id ? `Status: Image is up to date for ${familiar}` : `Status: Downloaded newer image for ${familiar}` });
  });
}
