// Image references in the engine: Docker's reading (dockerfile/reference, shared with the linter
// and the editor) with its errors as InvalidError, plus the store's helpers around image IDs.
import {
  familiarString, parseReference as readReference, shadowsImageId, type ImageReference,
} from '../../dockerfile/reference/image-reference.js';
import { InvalidError } from '../errdefs.js';

export {
  DEFAULT_DOMAIN, canonicalString, familiarName, familiarString, isFullDigest, repositoryName, withDefaultTag,
  type ImageReference,
} from '../../dockerfile/reference/image-reference.js';

/** Parses and normalizes a reference (`busybox` is docker.io/library/busybox). Adds no default tag. */
export function parseReference(input: string): ImageReference {
  const result = readReference(input);
  if (!result.ok) throw new InvalidError(result.error);
  return result.ref;
}

/** A reference that may name a repository (rejects 64-hex names, which would shadow image IDs). */
export function parseRepositoryReference(input: string): ImageReference {
  if (shadowsImageId(input)) {
    throw new InvalidError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  return parseReference(input);
}

/** Canonical string to familiar string, for strings the store produced itself. */
export function familiarize(canonical: string): string {
  let f = familiarCache.get(canonical);
  if (f === undefined) {
    f = familiarString(parseReference(canonical));
    if (familiarCache.size > 10_000) familiarCache.clear();
    familiarCache.set(canonical, f);
  }
  return f;
}

const familiarCache = new Map<string, string>();

/** `sha256:<hex>` or a hex prefix: something that can only be an image ID (or ID prefix). */
export function looksLikeImageId(input: string): boolean {
  return /^sha256:[0-9a-f]{1,64}$/.test(input) || /^[0-9a-f]{1,64}$/.test(input);
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
