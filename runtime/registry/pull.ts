// `docker pull` on the wire: resolve the reference to one image manifest (through a manifest list
// or OCI index for the wanted platform), verify it, then bring the config and every layer blob into
// the sink, three layers at a time.
//
// Progress messages emitted here, per layer id (first 12 hex digits of the blob digest):
//   `Already exists`, `Pulling fs layer`, `Waiting`, `Downloading` (progressDetail + progress bar),
//   `Retrying in N seconds`, `Verifying Checksum`, `Download complete`.
// The caller (the image store) emits the rest of Docker's stream itself: `Pulling from <repo>`
// before calling, `Extracting` / `Pull complete` while unpacking, and the final `Digest:` (use
// `repoDigest`) and `Status:` lines.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { downloadBlob } from './blob-download.js';
import { checkReference, familiarName, manifestReference, shortId } from './endpoint.js';
import { RegistryError, isObject } from './errors.js';
import { readBody } from './http-transport.js';
import { LAYER_MEDIA_TYPES, MANIFEST_ACCEPT, parseManifest, selectPlatform, type Descriptor, type ParsedManifest } from './manifest.js';
import { progressMessage, statusMessage, throttle } from './progress-format.js';
import { pullEndpoints } from './registry-network.js';
import { RegistrySession, header, type RegistryAccess } from './registry-session.js';
import { responseError, type FailureContext } from './response-errors.js';
import { abortableDelay, transferAll } from './task-limit.js';
import type { BlobSink, Platform, ProgressSink, RegistryCredentials, RemoteReference } from './transfer-types.js';

export interface PullOptions extends RegistryAccess {
  credentials?: RegistryCredentials;
  platform: Platform;
  sink: BlobSink;
  progress: ProgressSink;
  signal?: AbortSignal;
  /** Parallel layer downloads; dockerd's default is 3. */
  concurrency?: number;
  /** Downloads cut off by the network are tried again: by default 3 attempts, 1 s then 2 s apart. */
  retry?: { attempts?: number; delayMs?: number };
  /**
   * Called once the config is in the sink and before any layer is downloaded, so the sink can make
   * ready for the layers (e.g. unpack them as they arrive). A rejection fails the pull.
   */
  beforeLayers?: (image: { configDigest: string; layers: PulledLayer[] }) => Promise<void>;
}

export interface PulledLayer {
  digest: string;
  size: number;
  mediaType: string;
}

export interface PulledImage {
  /** Digest of the platform-specific image manifest below (`manifest`). */
  manifestDigest: string;
  manifestMediaType: string;
  manifest: Buffer;
  configDigest: string;
  layers: PulledLayer[];
  /** Set when the reference named a manifest list / OCI index: that document and its digest. */
  index?: { digest: string; mediaType: string; bytes: Buffer };
  /** What Docker prints as `Digest:` and records in RepoDigests: the index digest if any, else the manifest's. */
  repoDigest: string;
}

const MANIFEST_LIMIT = 4 * 1024 * 1024;
const CONFIG_LIMIT = 16 * 1024 * 1024;

export async function pullImage(ref: RemoteReference, opts: PullOptions): Promise<PulledImage> {
  checkReference(ref);
  const name = familiarName(ref);
  const candidates = await pullEndpoints(ref.registry, opts.network);
  for (let i = 0; ; i++) {
    const { endpoint, mirror } = candidates[i] as (typeof candidates)[number];
    const last = i === candidates.length - 1;
    // Docker Hub credentials stay with Docker Hub; a mirror is asked anonymously.
    const credentials = mirror ? undefined : opts.credentials;
    const session = await RegistrySession.open(endpoint, [`repository:${ref.repository}:pull`], credentials, opts.signal, opts);
    const failure: Omit<FailureContext, 'subject'> = {
      op: 'pull',
      name,
      registry: endpoint.name,
      hasCredentials: Boolean(credentials?.username || credentials?.identitytoken || credentials?.registrytoken),
    };
    try {
      let resolved: ResolvedImage;
      try {
        resolved = await resolveImage(session, ref, name, opts.platform, failure);
      } catch (err) {
        // A mirror that is down or lacks the image hands over to the next, and finally to Docker Hub.
        if (last || opts.signal?.aborted || !(err instanceof RegistryError) || !['unavailable', 'not-found', 'unauthorized'].includes(err.kind)) throw err;
        continue;
      }
      const { image, parsed, index, refText } = resolved;
      await pullConfig(session, opts.retry, ref.repository, parsed.config, parsed.layers.length, opts.sink, refText, failure);
      const layers = parsed.layers.map(({ digest, size, mediaType }) => ({ digest, size, mediaType }));
      await opts.beforeLayers?.({ configDigest: parsed.config.digest, layers });
      await pullLayers(session, ref.repository, parsed.layers, opts, failure);

      return {
        manifestDigest: image.digest,
        manifestMediaType: parsed.mediaType,
        manifest: image.bytes,
        configDigest: parsed.config.digest,
        layers,
        ...(index ? { index } : {}),
        repoDigest: index?.digest ?? image.digest,
      };
    } finally {
      session.close();
    }
  }
}

interface ResolvedImage {
  image: FetchedManifest;
  parsed: Extract<ParsedManifest, { kind: 'image' }>;
  index: PulledImage['index'];
  refText: string;
}

/** The reference to one image manifest for the platform, through a manifest list or OCI index if it names one. */
async function resolveImage(
  session: RegistrySession,
  ref: RemoteReference,
  name: string,
  platform: Platform,
  failure: Omit<FailureContext, 'subject'>,
): Promise<ResolvedImage> {
  const reference = manifestReference(ref);
  const refText = ref.digest ? `${name}@${ref.digest}` : `${name}:${reference}`;
  const top = await fetchManifest(session, ref.repository, reference, ref.digest, `manifest for ${refText}`, failure);
  let parsed = parseManifest(top.bytes, top.contentType, `manifest for ${refText}`);
  let image = top;
  let index: PulledImage['index'];
  if (parsed.kind === 'index') {
    index = { digest: top.digest, mediaType: parsed.mediaType, bytes: top.bytes };
    const entry = selectPlatform(parsed.manifests, platform, refText);
    const what = `manifest ${entry.digest} for ${refText}`;
    image = await fetchManifest(session, ref.repository, entry.digest, entry.digest, what, failure);
    parsed = parseManifest(image.bytes, image.contentType ?? entry.mediaType, what);
    if (parsed.kind !== 'image') throw new RegistryError('invalid', `${what} is another manifest list; nested lists are not supported`);
  }
  parsed.layers.forEach((layer, i) => {
    if (!LAYER_MEDIA_TYPES.has(layer.mediaType)) {
      throw new RegistryError('invalid', `layer ${i + 1} of ${refText} has media type ${layer.mediaType}, which is not a filesystem layer`);
    }
  });
  return { image, parsed, index, refText };
}

interface FetchedManifest {
  bytes: Buffer;
  digest: string;
  contentType: string | undefined;
}

async function fetchManifest(
  session: RegistrySession,
  repository: string,
  reference: string,
  expectedDigest: string | undefined,
  what: string,
  failure: Omit<FailureContext, 'subject'>,
): Promise<FetchedManifest> {
  const res = await session.send({ method: 'GET', target: `/v2/${repository}/manifests/${reference}`, headers: { accept: MANIFEST_ACCEPT } });
  if (res.status !== 200) throw await responseError(res, { ...failure, subject: what });
  const bytes = await readBody(res, MANIFEST_LIMIT, what);
  const announced = header(res.headers['docker-content-digest']);
  // By digest, the reference is the authority; by tag, the registry's own header is all there is.
  const wanted = expectedDigest ?? (announced && /^sha(256|512):/.test(announced) ? announced : undefined);
  const algorithm = wanted?.startsWith('sha512:') ? 'sha512' : 'sha256';
  const actual = `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
  if (wanted && actual !== wanted) {
    throw new RegistryError('digest-mismatch', `${what} failed verification: expected digest ${wanted}, got ${actual}`);
  }
  const sha256 = algorithm === 'sha256' ? actual : `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  return { bytes, digest: wanted ?? sha256, contentType: header(res.headers['content-type']) };
}

/** The config is small: fetched into memory, checked to be an image config for these layers, then stored. */
async function pullConfig(
  session: RegistrySession,
  retry: PullOptions['retry'],
  repository: string,
  config: Descriptor,
  layerCount: number,
  sink: BlobSink,
  refText: string,
  failure: Omit<FailureContext, 'subject'>,
): Promise<void> {
  if (await sink.has(config.digest)) return;
  if (config.size > CONFIG_LIMIT) throw new RegistryError('invalid', `image config of ${refText} is too large (${config.size} bytes)`);
  const memory = new MemorySink();
  await withRetries(session.signal, retry, undefined, () =>
    downloadBlob(session, memory, { repository, digest: config.digest, size: config.size, what: `image config of ${refText}`, failure }),
  );
  checkConfig(memory.bytes, layerCount, refText);
  await sink.ingest(config.digest, config.size, Readable.from([memory.bytes], { objectMode: false }));
}

function checkConfig(bytes: Buffer, layerCount: number, refText: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError('invalid', `image config of ${refText} is not JSON`);
  }
  const rootfs = isObject(doc) ? doc.rootfs : undefined;
  const diffIds = isObject(rootfs) ? rootfs.diff_ids : undefined;
  if (!Array.isArray(diffIds)) throw new RegistryError('invalid', `image config of ${refText} has no rootfs.diff_ids`);
  if (diffIds.length !== layerCount) {
    throw new RegistryError('invalid', `image ${refText} is inconsistent: its manifest has ${layerCount} layers but its config lists ${diffIds.length}`);
  }
}

async function pullLayers(
  session: RegistrySession,
  repository: string,
  layers: Descriptor[],
  opts: PullOptions,
  failure: Omit<FailureContext, 'subject'>,
): Promise<void> {
  const unique = [...new Map(layers.map((l) => [l.digest, l])).values()];
  const present = await Promise.all(unique.map((l) => opts.sink.has(l.digest)));
  const missing: Descriptor[] = [];
  unique.forEach((layer, i) => {
    if (present[i]) opts.progress(statusMessage('Already exists', shortId(layer.digest)));
    else {
      opts.progress(statusMessage('Pulling fs layer', shortId(layer.digest)));
      missing.push(layer);
    }
  });

  // One failed layer stops the others instead of letting them run to completion.
  await transferAll(
    missing,
    opts.concurrency ?? 3,
    opts.signal,
    (layer, signal) => pullLayer(session.withSignal(signal), repository, layer, shortId(layer.digest), opts, failure),
    (layer) => opts.progress(statusMessage('Waiting', shortId(layer.digest))),
  );
}

async function pullLayer(
  session: RegistrySession,
  repository: string,
  layer: Descriptor,
  id: string,
  opts: PullOptions,
  failure: Omit<FailureContext, 'subject'>,
): Promise<void> {
  await withRetries(session.signal, opts.retry, (n) => opts.progress(statusMessage(`Retrying in ${n} second${n === 1 ? '' : 's'}`, id)), async () => {
    const report = throttle(100, (current) => opts.progress(progressMessage('Downloading', id, current, layer.size)));
    await downloadBlob(session, opts.sink, {
      repository,
      digest: layer.digest,
      size: layer.size,
      what: `layer ${id}`,
      failure,
      onBytes: (bytes) => report(bytes, bytes === layer.size),
      onReceived: () => opts.progress(statusMessage('Verifying Checksum', id)),
    });
  });
  opts.progress(statusMessage('Download complete', id));
}

/** Network hiccups (`unavailable`) are retried with a short back-off; everything else fails at once. */
async function withRetries(
  signal: AbortSignal | undefined,
  retry: PullOptions['retry'],
  onRetry: ((seconds: number) => void) | undefined,
  attempt: () => Promise<void>,
): Promise<void> {
  const attempts = retry?.attempts ?? 3;
  const delayMs = retry?.delayMs ?? 1000;
  for (let n = 1; ; n++) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (!(err instanceof RegistryError) || err.kind !== 'unavailable' || n >= attempts) throw err;
      const wait = n * delayMs;
      onRetry?.(Math.ceil(wait / 1000));
      await abortableDelay(wait, signal);
    }
  }
}

/** Collects a small blob so it can be inspected before it is stored. */
class MemorySink implements BlobSink {
  bytes = Buffer.alloc(0);
  async has(): Promise<boolean> {
    return false;
  }
  async ingest(_digest: string, _size: number | undefined, data: Readable): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk as Buffer);
    this.bytes = Buffer.concat(chunks);
  }
}
