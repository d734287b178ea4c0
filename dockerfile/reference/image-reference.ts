// Image references as Docker reads them (distribution/reference's ParseNormalizedNamed): the one
// reader for the engine's store, the linter's FROM rules and the editor's links and completion.
// `splitReference` cuts written text into its parts without judging it (editors see half-typed
// names); `parseReference` validates and normalizes (`busybox` is docker.io/library/busybox).

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_MAX = 255;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::\d+)?$|^\[[0-9a-fA-F:.]+\](?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** The parts of a reference as written, with offsets into the text. */
export interface ReferenceParts {
  /** Registry host[:port] as written, or null when the name has none (Docker Hub). */
  readonly domain: string | null;
  /** Repository path as written, without the registry (`ubuntu` stays `ubuntu`). */
  readonly path: string;
  readonly tag: string | null;
  /** What follows `@`, unchecked. */
  readonly digest: string | null;
  /** Length of the name (registry and path) at the start of the text. */
  readonly nameEnd: number;
  /** Offset of the tag (after `:`), or nameEnd when there is none. */
  readonly tagStart: number;
}

/**
 * Docker's reading of `[domain/]path[:tag][@digest]`: the first component is a registry when it
 * holds a `.` or `:`, is `localhost`, or has an uppercase letter (a repository path never does).
 */
export function splitReference(text: string): ReferenceParts {
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? null : text.slice(at + 1);
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > beforeDigest.lastIndexOf('/');
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first);
  return {
    domain: isDomain ? first : null,
    path: isDomain ? name.slice(slash + 1) : name,
    tag: hasTag ? beforeDigest.slice(colon + 1) : null,
    digest,
    nameEnd: name.length,
    tagStart: hasTag ? colon + 1 : name.length,
  };
}

/** A validated, normalized reference. */
export interface ImageReference {
  /** Registry host[:port], e.g. docker.io, localhost:5000. */
  domain: string;
  /** Repository path, e.g. library/busybox. */
  path: string;
  tag?: string;
  /** sha256:<64 hex> */
  digest?: string;
}

export type ReferenceResult = { readonly ok: true; readonly ref: ImageReference } | { readonly ok: false; readonly error: string };

/** Validates and normalizes a reference; adds no default tag (see withDefaultTag). */
export function parseReference(input: string): ReferenceResult {
  const bad = (why: string): ReferenceResult => ({ ok: false, error: `invalid reference format: ${why} (${JSON.stringify(input)})` });
  if (input === '') return bad('empty name');
  const parts = splitReference(input);
  if (parts.digest !== null && !DIGEST.test(parts.digest)) return bad('the digest must be sha256: followed by 64 lowercase hex digits');
  if (parts.tag !== null && !TAG.test(parts.tag)) return bad('invalid tag');
  let domain = parts.domain ?? DEFAULT_DOMAIN;
  let path = parts.path;
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (!DOMAIN.test(domain)) return bad('invalid registry host');
  if (path === '') return bad('empty repository name');
  if (path.toLowerCase() !== path) return bad('repository name must be lowercase');
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) return bad('invalid repository name');
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (`${domain}/${path}`.length > NAME_MAX) return bad(`the repository name must not be longer than ${NAME_MAX} characters`);
  const ref: ImageReference = { domain, path };
  if (parts.tag !== null) ref.tag = parts.tag;
  if (parts.digest !== null) ref.digest = parts.digest;
  return { ok: true, ref };
}

/** Docker refuses repository names that are 64 hex digits: they would shadow image IDs. */
export function shadowsImageId(input: string): boolean {
  return HEX64.test(input.split(':')[0]);
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

export function isFullDigest(value: string): boolean {
  return DIGEST.test(value);
}
