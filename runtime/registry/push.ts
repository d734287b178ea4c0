// `docker push` on the wire: every layer blob (five at a time, as dockerd), then the config blob,
// then the manifest under the tag.
//
// Progress messages emitted here, per layer id (first 12 hex digits of the blob digest), topmost
// layer first as Docker lists them: `Preparing`, `Waiting`, `Pushing` (progressDetail + progress
// bar), `Pushed`, `Layer already exists`; then `<tag>: digest: sha256:... size: N` and an `aux`
// message `{Tag, Digest, Size}`. The caller emits `The push refers to repository [...]` first.
import { createHash } from 'node:crypto';
import { blobExists, uploadBlob, type BlobUpload } from './blob-upload.js';
import { checkReference, familiarName, shortId } from './endpoint.js';
import { RegistryError } from './errors.js';
import { discardBody } from './http-transport.js';
import { parseManifest } from './manifest.js';
import { progressMessage, statusMessage, throttle } from './progress-format.js';
import { endpointFor } from './registry-network.js';
import { RegistrySession, header, type RegistryAccess } from './registry-session.js';
import { responseError, type FailureContext } from './response-errors.js';
import { transferAll } from './task-limit.js';
import type { BlobSource, ProgressSink, RegistryCredentials, RemoteReference } from './transfer-types.js';

export interface PushableImage {
  manifest: Buffer;
  manifestMediaType: string;
  configDigest: string;
  layers: { digest: string; size: number; mediaType: string }[];
}

export interface PushOptions extends RegistryAccess {
  credentials?: RegistryCredentials;
  source: BlobSource;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** Parallel layer uploads; dockerd's default is 5. */
  concurrency?: number;
}

export async function pushImage(
  ref: RemoteReference,
  image: PushableImage,
  opts: PushOptions,
): Promise<{ digest: string; size: number }> {
  checkReference(ref);
  const endpoint = await endpointFor(ref.registry, opts.network);
  const name = familiarName(ref);
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  const parsed = parseManifest(image.manifest, image.manifestMediaType, `manifest to push for ${name}`);
  if (parsed.kind !== 'image') throw new RegistryError('invalid', `pushing manifest lists is not supported (${name})`);
  if (parsed.config.digest !== image.configDigest) {
    throw new RegistryError('invalid', `manifest to push for ${name} names config ${parsed.config.digest}, not ${image.configDigest}`);
  }
  const digest = `sha256:${createHash('sha256').update(image.manifest).digest('hex')}`;
  if (ref.digest && ref.digest !== digest) {
    throw new RegistryError('digest-mismatch', `manifest to push for ${name} has digest ${digest}, not the ${ref.digest} named in the reference`);
  }

  const session = await RegistrySession.open(endpoint, [`repository:${ref.repository}:pull,push`], opts.credentials, opts.signal, opts);
  const failure: Omit<FailureContext, 'subject'> = {
    op: 'push',
    name,
    registry: endpoint.name,
    hasCredentials: Boolean(opts.credentials?.username || opts.credentials?.identitytoken || opts.credentials?.registrytoken),
  };
  try {
    await pushLayers(session, ref.repository, parsed.layers, opts, failure);
    const config: BlobUpload = { repository: ref.repository, digest: parsed.config.digest, size: parsed.config.size, what: 'image config', failure };
    if (!(await blobExists(session, config))) await uploadBlob(session, opts.source, config);

    const reference = tag ?? digest;
    const subject = `manifest for ${name}:${reference}`;
    const res = await session.send({
      method: 'PUT',
      target: `/v2/${ref.repository}/manifests/${reference}`,
      headers: { 'content-type': image.manifestMediaType },
      body: image.manifest,
    });
    if (res.status !== 201 && res.status !== 200) throw await responseError(res, { ...failure, subject });
    discardBody(res);
    const stored = header(res.headers['docker-content-digest']);
    if (stored && stored !== digest) {
      throw new RegistryError('digest-mismatch', `registry stored ${subject} under digest ${stored}, expected ${digest}`);
    }
    const size = image.manifest.length;
    opts.progress({ status: `${tag ?? reference}: digest: ${digest} size: ${size}` });
    opts.progress({ progressDetail: {}, aux: { Tag: tag ?? '', Digest: digest, Size: size } });
    return { digest, size };
  } finally {
    session.close();
  }
}

async function pushLayers(
  session: RegistrySession,
  repository: string,
  layers: { digest: string; size: number }[],
  opts: PushOptions,
  failure: Omit<FailureContext, 'subject'>,
): Promise<void> {
  const topFirst = [...new Map(layers.map((l) => [l.digest, l])).values()].reverse();
  for (const layer of topFirst) opts.progress(statusMessage('Preparing', shortId(layer.digest)));

  await transferAll(
    topFirst,
    opts.concurrency ?? 5,
    opts.signal,
    (layer, signal) => pushLayer(session.withSignal(signal), repository, layer, shortId(layer.digest), opts, failure),
    (layer) => opts.progress(statusMessage('Waiting', shortId(layer.digest))),
  );
}

async function pushLayer(
  session: RegistrySession,
  repository: string,
  layer: { digest: string; size: number },
  id: string,
  opts: PushOptions,
  failure: Omit<FailureContext, 'subject'>,
): Promise<void> {
  const report = throttle(100, (current) => opts.progress(progressMessage('Pushing', id, current, layer.size)));
  const blob: BlobUpload = {
    repository,
    digest: layer.digest,
    size: layer.size,
    what: `layer ${id}`,
    failure,
    onBytes: (bytes) => report(bytes, bytes === layer.size),
  };
  if (await blobExists(session, blob)) {
    opts.progress(statusMessage('Layer already exists', id));
    return;
  }
  await uploadBlob(session, opts.source, blob);
  opts.progress(statusMessage('Pushed', id));
}
