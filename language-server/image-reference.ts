// Splits an image reference as written in a Dockerfile (`[registry/]path[:tag][@digest]`) into its
// parts with their offsets, following the distribution reference grammar's domain rule: the first
// component is a registry when it has a `.` or `:`, or is `localhost`.

export interface ImageReference {
  /** Registry host as written, '' for Docker Hub. */
  readonly registry: string;
  /** Repository path without registry, e.g. `library/ubuntu` is given as `ubuntu`. */
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
  /** Offsets into the written text: the name (registry + path), and tag/digest without `:`/`@`. */
  readonly nameEnd: number;
  readonly tagStart: number;
}

export function parseImageReference(text: string): ImageReference | null {
  if (!text || /[\s$]/.test(text)) return null;
  const at = text.indexOf('@');
  const beforeDigest = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? null : text.slice(at + 1);
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  if (!name) return null;
  const first = name.split('/')[0];
  const isRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return {
    registry: isRegistry ? first : '',
    path: isRegistry ? name.slice(first.length + 1) : name,
    tag: hasTag ? beforeDigest.slice(colon + 1) : null,
    digest,
    nameEnd: name.length,
    tagStart: hasTag ? colon + 1 : name.length,
  };
}

const DOCKER_HUB = new Set(['', 'docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The Docker Hub page of an image, or null when the image lives elsewhere. */
export function dockerHubUrl(ref: ImageReference): string | null {
  if (!DOCKER_HUB.has(ref.registry) || !ref.path) return null;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(ref.path)) return null;
  const parts = ref.path.split('/');
  if (parts.length === 1) return `https://hub.docker.com/_/${parts[0]}`;
  if (parts.length === 2) {
    return parts[0] === 'library' ? `https://hub.docker.com/_/${parts[1]}` : `https://hub.docker.com/r/${parts[0]}/${parts[1]}`;
  }
  return null;
}
