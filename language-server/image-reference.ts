// Image references as written in a Dockerfile, for links and completion: Docker's own reading
// (dockerfile/reference) with offsets, or null for text that cannot be a literal reference.
import { splitReference } from '../dockerfile/reference/image-reference';

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
  const parts = splitReference(text);
  if (!parts.path && parts.domain === null) return null;
  const { domain, path, tag, digest, nameEnd, tagStart } = parts;
  return { registry: domain ?? '', path, tag, digest, nameEnd, tagStart };
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
