// `docker load`: a docker-archive (manifest.json; legacy 20.10 layout or Docker 25+ with blobs/) or an OCI
// image layout (index.json). Every config and layer is checked against its digest; an image is recorded
// and tagged only after all its layers are unpacked.
import { readFile } from 'node:fs/promises';
import { sha256Digest } from '../../content/digest.js';
import { DigestMismatchError } from '../../content/blob-store.js';
import type { LayerStore } from '../../layers/layer-store.js';
import { parseImageConfig } from '../image-config.js';
import { hostPlatform } from '../platform.js';
import type { ImageService } from '../image-service.js';
import type { ImageEntry } from '../image-store.js';
import { canonicalString, familiarString, parseReference, shortId, withDefaultTag } from '../reference.js';
import { ArchiveFormatError, type ExtractedArchive } from './archive-extract.js';
import { progressBar } from '../../registry/progress-format.js';
import type { JsonMessage } from '../../progress/json-message.js';

export interface ArchiveImage {
  configPath: string;
  /** The config digest when the archive states it (OCI, Docker 25+). */
  configDigest?: string;
  layers: { path: string; digest?: string }[];
  /** Canonical references to tag. */
  tags: string[];
}

export type Emit = (message: JsonMessage) => void;

/** Reads the archive's image list, from manifest.json or index.json. */
export async function readArchiveImages(archive: ExtractedArchive): Promise<ArchiveImage[]> {
  if (archive.has('manifest.json')) return readDockerManifest(archive);
  if (archive.has('index.json')) return readOciIndex(archive);
  throw new ArchiveFormatError('the archive has neither manifest.json nor index.json: it is not a `docker save` tar or an OCI image layout');
}

async function readJson(archive: ExtractedArchive, path: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(archive.localPath(path), 'utf8'));
  } catch (err) {
    if (err instanceof ArchiveFormatError) throw err;
    throw new ArchiveFormatError(`malformed ${what}: ${(err as Error).message}`);
  }
}

async function readDockerManifest(archive: ExtractedArchive): Promise<ArchiveImage[]> {
  const manifest = await readJson(archive, 'manifest.json', 'manifest.json');
  if (!Array.isArray(manifest)) throw new ArchiveFormatError('malformed manifest.json: expected a list of images');
  return manifest.map((item: unknown, i) => {
    const m = item as { Config?: unknown; RepoTags?: unknown; Layers?: unknown };
    if (!m || typeof m.Config !== 'string' || !Array.isArray(m.Layers) || !m.Layers.every((l) => typeof l === 'string')) {
      throw new ArchiveFormatError(`malformed manifest.json: image ${i + 1} needs "Config" (a path) and "Layers" (a list of paths)`);
    }
    const tags = Array.isArray(m.RepoTags) ? m.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return {
      configPath: m.Config,
      configDigest: digestFromBlobPath(m.Config),
      layers: (m.Layers as string[]).map((path) => ({ path, digest: digestFromBlobPath(path) })),
      tags: tags.map((t) => canonicalString(withDefaultTag(parseReference(t)))),
    };
  });
}

/** `blobs/sha256/<hex>` paths name their digest (OCI layouts, Docker 25+ archives). */
function digestFromBlobPath(path: string): string | undefined {
  const m = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(path.replace(/^\.\//, ''));
  return m ? `sha256:${m[1]}` : undefined;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  annotations?: Record<string, string>;
  platform?: { os?: string; architecture?: string };
}

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

async function readOciIndex(archive: ExtractedArchive): Promise<ArchiveImage[]> {
  const index = await readJson(archive, 'index.json', 'index.json') as { manifests?: Descriptor[] };
  if (!index || !Array.isArray(index.manifests)) throw new ArchiveFormatError('malformed index.json: "manifests" must be a list');
  const out: ArchiveImage[] = [];
  for (const desc of index.manifests) {
    const manifestDesc = await pickManifest(archive, desc);
    const manifest = await readBlobJson(archive, manifestDesc.digest, 'image manifest') as {
      config?: { digest?: string }; layers?: { digest?: string }[];
    };
    if (!manifest?.config?.digest || !Array.isArray(manifest.layers) || !manifest.layers.every((l) => typeof l?.digest === 'string')) {
      throw new ArchiveFormatError(`malformed image manifest ${manifestDesc.digest}: it needs config and layers`);
    }
    const name = desc.annotations?.['io.containerd.image.name'] ?? refNameAnnotation(desc.annotations?.['org.opencontainers.image.ref.name']);
    out.push({
      configPath: blobPath(manifest.config.digest),
      configDigest: manifest.config.digest,
      layers: manifest.layers.map((l) => ({ path: blobPath(l.digest as string), digest: l.digest })),
      tags: name ? [canonicalString(withDefaultTag(parseReference(name)))] : [],
    });
  }
  return out;
}

/** `org.opencontainers.image.ref.name` is often just a tag; only a full reference names an image. */
function refNameAnnotation(value: string | undefined): string | undefined {
  if (!value || !/[/:]/.test(value)) return undefined;
  try {
    parseReference(value);
    return value;
  } catch {
    return undefined;
  }
}

async function pickManifest(archive: ExtractedArchive, desc: Descriptor): Promise<Descriptor> {
  if (!desc.mediaType || !INDEX_TYPES.includes(desc.mediaType)) return desc;
  const nested = await readBlobJson(archive, desc.digest, 'image index') as { manifests?: Descriptor[] };
  const candidates = (nested.manifests ?? []).filter((m) => !INDEX_TYPES.includes(m.mediaType ?? ''));
  const arch = hostPlatform().architecture;
  const pick = candidates.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === arch)
    ?? (candidates.length === 1 ? candidates[0] : undefined);
  if (!pick) throw new ArchiveFormatError(`the image index ${desc.digest} has no linux/${arch} image`);
  return { ...pick, annotations: { ...(desc.annotations ?? {}), ...(pick.annotations ?? {}) } };
}

function blobPath(digest: string): string {
  const [alg, hex] = digest.split(':');
  if (alg !== 'sha256' || !/^[0-9a-f]{64}$/.test(hex ?? '')) throw new ArchiveFormatError(`unsupported digest "${digest}" in the archive`);
  return `blobs/sha256/${hex}`;
}

async function readBlobJson(archive: ExtractedArchive, digest: string, what: string): Promise<unknown> {
  const bytes = await readFile(archive.localPath(blobPath(digest)));
  const actual = sha256Digest(bytes);
  if (actual !== digest) throw new DigestMismatchError(digest, actual, what);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ArchiveFormatError(`malformed ${what} ${digest}: ${(err as Error).message}`);
  }
}

/** Unpacks one archive image's layers, records it and tags it. */
export async function loadArchiveImage(
  images: ImageService, layers: LayerStore, archive: ExtractedArchive, image: ArchiveImage, emit: Emit,
): Promise<{ entry: ImageEntry; loaded: string[] }> {
  const configBytes = await readFile(archive.localPath(image.configPath));
  const configDigest = sha256Digest(configBytes);
  if (image.configDigest && image.configDigest !== configDigest) {
    throw new DigestMismatchError(image.configDigest, configDigest, 'image config');
  }
  const config = parseImageConfig(configBytes, `image config ${image.configPath}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.layers.length) {
    throw new ArchiveFormatError(`the archive lists ${image.layers.length} layers for ${image.configPath} but its config has ${diffIds.length}`);
  }
  let parent: string | undefined;
  for (let i = 0; i < image.layers.length; i++) {
    const { path, digest } = image.layers[i];
    const id = shortId(diffIds[i]);
    // The archive's own file becomes the layer's blob: no second copy of the layer is written.
    const layer = await layers.createFromFile(archive.localPath(path), { parent, expectedDiffId: diffIds[i], digest });
    emit({ status: 'Loading layer', id, progressDetail: { current: layer.diffSize, total: layer.diffSize }, progress: progressBar(layer.diffSize, layer.diffSize) });
    parent = layer.chainId;
  }
  const entry = await images.store.add(configBytes);
  const loaded: string[] = [];
  for (const tag of image.tags) {
    const previous = images.store.references.get(tag);
    if (previous && previous !== entry.id) {
      emit({ stream: `The image ${familiarString(parseReference(tag))} already exists, renaming the old one with ID ${previous} to empty string\n` });
    }
    await images.addTag(entry, tag);
    loaded.push(familiarString(parseReference(tag)));
  }
  images.events.emit('image', 'load', entry.id, { name: loaded[0] ?? entry.id, ...images.labels(entry) });
  return { entry, loaded };
}
