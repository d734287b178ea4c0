// Image references, normalized like Docker's distribution/reference: `busybox` is
// docker.io/library/busybox:latest. The store keeps canonical strings; users see familiar ones.
import { InvalidError } from '../errdefs.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

export interface ImageReference {
  /** Registry host[:port], e.g. docker.io, localhost:5000. */
  domain: string;
  /** Repository path, e.g. library/busybox. */
  path: string;
  tag?: string;
  /** sha256:<64 hex> */
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::\d+)?$|^\[[0-9a-fA-F:.]+\](?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const NAME_MAX = 255;

/** Parses and normalizes a reference. Adds no default tag; see withDefaultTag. */
export function parseReference(input: string): ImageReference {
  const bad = (why: string): InvalidError => new InvalidError(`invalid reference format: ${why} (${JSON.stringify(input)})`);
  if (input === '') throw bad('empty name');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad('the digest must be sha256: followed by 64 lowercase hex digits');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad('invalid tag');
  }
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
    }
  }
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (!DOMAIN.test(domain)) throw bad('invalid registry host');
  if (path === '') throw bad('empty repository name');
  if (path.toLowerCase() !== path) throw bad('repository name must be lowercase');
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) throw bad('invalid repository name');
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (`${domain}/${path}`.length > NAME_MAX) throw bad(`the repository name must not be longer than ${NAME_MAX} characters`);
  return { domain, path, tag, digest };
}

/** A reference that may name a repository (rejects 64-hex names, which would shadow image IDs). */
export function parseRepositoryReference(input: string): ImageReference {
  if (HEX64.test(input.split(':')[0])) {
    throw new InvalidError(`invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`);
  }
  return parseReference(input);
}

export function withDefaultTag(ref: ImageReference): ImageReference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref;
}

export function repositoryName(ref: ImageReference): string {
  return `${ref.domain}/${ref.path}`;
}

/** `docker.io/library/busybox:latest`, `localhost:5000/x@sha256:...` */
export function canonicalString(ref: ImageReference): string {
  return repositoryName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** `busybox`, `me/x`, `localhost:5000/y` */
export function familiarName(ref: ImageReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_PREFIX) && ref.path.split('/').length === 2 ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
}

/** `busybox:latest`, `me/x:1`, `localhost:5000/y@sha256:...` */
export function familiarString(ref: ImageReference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
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

export function isFullDigest(value: string): boolean {
  return DIGEST.test(value);
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
