// Manifest documents the client understands: Docker v2 schema 2 and OCI image manifests, and the
// two kinds of multi-platform lists that point at them. Anything else is refused with the reason.
import { checkDigest } from './endpoint.js';
import { RegistryError, isObject } from './errors.js';
import type { Platform } from './transfer-types.js';
import { formatPlatform } from '../../dockerfile/expansion/predefined.js';
import { normalizePlatform } from '../../dockerfile/platform/platforms.js';

export const MediaTypes = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
} as const;

/** What pulls ask for; schema 1 is listed last only so that such images get a clear refusal. */
export const MANIFEST_ACCEPT = [
  MediaTypes.ociIndex,
  MediaTypes.dockerManifestList,
  MediaTypes.ociManifest,
  MediaTypes.dockerManifest,
  `${MediaTypes.dockerSchema1Signed};q=0.1`,
  `${MediaTypes.dockerSchema1};q=0.1`,
].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface IndexEntry extends Descriptor {
  platform?: Platform;
}

export type ParsedManifest =
  | { kind: 'index'; mediaType: string; manifests: IndexEntry[] }
  | { kind: 'image'; mediaType: string; config: Descriptor; layers: Descriptor[] };

/** Parses and checks a manifest; `what` names it in errors (`manifest for alpine:3`). */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): ParsedManifest {
  const bad = (detail: string): RegistryError => new RegistryError('invalid', `malformed ${what}: ${detail}`);
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('it is not JSON');
  }
  if (!isObject(doc)) throw bad('it is not a JSON object');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const headerType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (
    doc.schemaVersion === 1 ||
    declared === MediaTypes.dockerSchema1 ||
    declared === MediaTypes.dockerSchema1Signed ||
    headerType === MediaTypes.dockerSchema1 ||
    headerType === MediaTypes.dockerSchema1Signed
  ) {
    throw new RegistryError(
      'invalid',
      `${what} uses Docker image manifest version 2, schema 1, which is no longer supported (as in Docker Engine); ` +
        'ask the publisher to push it again with a current Docker or build tool (Docker v2 schema 2 or OCI format)',
    );
  }
  if (doc.schemaVersion !== 2) throw bad(`schemaVersion is ${JSON.stringify(doc.schemaVersion)}, expected 2`);

  const mediaType = declared ?? (headerType && headerType !== 'application/json' ? headerType : undefined) ?? (Array.isArray(doc.manifests) ? MediaTypes.ociIndex : MediaTypes.ociManifest);

  if (mediaType === MediaTypes.dockerManifestList || mediaType === MediaTypes.ociIndex) {
    if (!Array.isArray(doc.manifests)) throw bad('"manifests" is missing');
    return { kind: 'index', mediaType, manifests: doc.manifests.map((m, i) => indexEntry(m, `manifests[${i}]`, bad)) };
  }
  if (mediaType === MediaTypes.dockerManifest || mediaType === MediaTypes.ociManifest) {
    const config = descriptor(doc.config, 'config', bad);
    if (config.mediaType !== MediaTypes.dockerConfig && config.mediaType !== MediaTypes.ociConfig) {
      throw new RegistryError('invalid', `${what} is not a container image: its config has media type ${config.mediaType}`);
    }
    if (!Array.isArray(doc.layers)) throw bad('"layers" is missing');
    return { kind: 'image', mediaType, config, layers: doc.layers.map((l, i) => descriptor(l, `layers[${i}]`, bad)) };
  }
  throw new RegistryError('invalid', `${what} has unsupported media type ${mediaType}`);
}

function descriptor(v: unknown, where: string, bad: (d: string) => RegistryError): Descriptor {
  if (!isObject(v)) throw bad(`${where} is not an object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string' || mediaType === '') throw bad(`${where}.mediaType is missing`);
  if (typeof digest !== 'string') throw bad(`${where}.digest is missing`);
  try {
    checkDigest(digest, `${where}.digest`);
  } catch (e) {
    throw bad((e as Error).message);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw bad(`${where}.size is not a byte count`);
  return { mediaType, digest, size };
}

function indexEntry(v: unknown, where: string, bad: (d: string) => RegistryError): IndexEntry {
  const d = descriptor(v, where, bad);
  const p = isObject(v) ? v.platform : undefined;
  if (p === undefined) return d;
  if (!isObject(p) || typeof p.os !== 'string' || typeof p.architecture !== 'string') throw bad(`${where}.platform needs os and architecture`);
  const platform: Platform = { os: p.os, architecture: p.architecture };
  if (typeof p.variant === 'string' && p.variant !== '') platform.variant = p.variant;
  return { ...d, platform };
}

/**
 * Picks the manifest for `wanted` from an index. Without a wanted variant any variant matches, but
 * an entry without one is preferred (linux/arm64 over linux/arm64/v9, as containerd does).
 */
export function selectPlatform(entries: IndexEntry[], wanted: Platform, what: string): IndexEntry {
  const want = normalizePlatform(wanted);
  const images = entries.filter((e) => e.platform && e.platform.os !== 'unknown' && isImageManifest(e.mediaType));
  const matching = images.filter((e) => {
    const have = normalizePlatform(e.platform as Platform);
    if (have.os !== want.os || have.architecture !== want.architecture) return false;
    return want.variant === undefined || have.variant === want.variant;
  });
  const best = matching.find((e) => normalizePlatform(e.platform as Platform).variant === undefined) ?? matching[0];
  if (best) return best;
  const available = [...new Set(images.map((e) => formatPlatform(normalizePlatform(e.platform as Platform))))];
  throw new RegistryError(
    'not-found',
    `no matching manifest for ${formatPlatform(want)} in the manifest list entries of ${what}` +
      (available.length ? `; available platforms: ${available.join(', ')}` : '; it lists no image for any platform'),
  );
}

function isImageManifest(mediaType: string): boolean {
  return mediaType === MediaTypes.dockerManifest || mediaType === MediaTypes.ociManifest;
}

export const LAYER_MEDIA_TYPES = new Set([
  'application/vnd.docker.image.rootfs.diff.tar.gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
]);
