// `docker pull`: the registry client downloads the blobs into the UnpackingSink, which stores them and
// unpacks each layer as it arrives (checking each diff ID against the config); then the image is
// recorded and tagged. Until the image is recorded nothing is visible, and garbage collection keeps its
// hands off (store.track).
import type { ProgressSink } from '../../progress/json-message.js';
import type { BlobStore } from '../../content/blob-store.js';
import type { LayerStore } from '../../layers/layer-store.js';
import { asDiskFull, DiskFullError, isDiskFull } from '../../errdefs.js';
import { RegistryError } from '../../registry/errors.js';
import { pullImage, type PulledImage } from '../../registry/pull.js';
import type { RegistryNetwork } from '../../registry/registry-network.js';
import type { Platform, ProgressMessage, RegistryCredentials } from '../../registry/transfer-types.js';
import type { ImageService } from '../image-service.js';
import { canonicalString, familiarName, familiarString, parseReference, repositoryName, withDefaultTag } from '../reference.js';
import { UnpackingSink } from './unpacking-sink.js';

export interface PullRequest {
  image: string;
  tag?: string;
  platform: Platform;
  credentials?: RegistryCredentials;
  /** The daemon's registry settings; without them, only the environment's proxies and the default certs.d. */
  network?: RegistryNetwork;
}

export async function pullToStore(images: ImageService, blobs: BlobStore, layers: LayerStore, req: PullRequest, out: ProgressSink): Promise<void> {
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
    const sink = new UnpackingSink(blobs, layers, progress, familiar);
    const signal = out.signal ? AbortSignal.any([out.signal, sink.signal]) : sink.signal;
    const reporting = (m: ProgressMessage): void => {
      progress(m);
      if (m.status === 'Download complete' && m.id) sink.downloadReported(m.id);
    };
    let pulled: PulledImage;
    try {
      pulled = await pullImage(remote, {
        credentials: req.credentials, platform: req.platform, sink, progress: reporting, signal, network: req.network,
        beforeLayers: (image) => sink.prepare(image),
      });
    } catch (err) {
      await sink.abandon(err);
      // A full disk is said as such, naming what was being written, whichever step met it first.
      throw sink.diskFull ?? (isDiskFull(err) ? new DiskFullError(`pulling ${familiar}`, { cause: err }) : withoutLoginPrompt(err));
    }
    try {
      await sink.done();
    } catch (err) {
      throw sink.diskFull ?? asDiskFull(err, `unpacking the layers of ${familiar}`);
    }
    const configBytes = await blobs.read(pulled.configDigest);
    const manifestRef = { repository: repositoryName(ref), digest: pulled.manifestDigest, mediaType: pulled.manifestMediaType, repoDigest: pulled.repoDigest };
    let entry;
    const canonical = canonicalString(ref);
    let previous;
    try {
      await blobs.ingestBuffer(pulled.manifestDigest, pulled.manifest);
      entry = await images.store.add(configBytes, { manifest: manifestRef });
      previous = images.store.references.get(canonical);
      if (previous !== entry.id) await images.addTag(entry, canonical);
    } catch (err) {
      throw asDiskFull(err, `recording the pulled image ${familiar}`);
    }
    images.events.emit('image', 'pull', familiar, { name: familiar, ...images.labels(entry) });
    progress({ status: `Digest: ${pulled.repoDigest}` });
    progress({ status: previous === entry.id ? `Status: Image is up to date for ${familiar}` : `Status: Downloaded newer image for ${familiar}` });
  });
}

/**
 * dockerd answers `pull access denied` with 404. An HTTP 401 would make the docker CLI start an
 * interactive login and retry, which waits forever for a terminal that scripts do not have.
 */
function withoutLoginPrompt(err: unknown): unknown {
  return err instanceof RegistryError && err.kind === 'unauthorized' ? new RegistryError('not-found', err.message, { cause: err }) : err;
}
