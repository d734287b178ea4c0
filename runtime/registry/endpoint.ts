// Where a registry name points: Docker Hub's alias, HTTPS everywhere, and for insecure registries
// (loopback ones, as dockerd has 127.0.0.0/8 by default, and those in `insecure-registries`) HTTPS
// without checking the certificate, then plain HTTP if HTTPS does not answer (see pingRegistry in
// registry-session.ts).
import { isIP } from 'node:net';
import { RegistryError } from './errors.js';
import type { RemoteReference } from './transfer-types.js';

export interface RegistryEndpoint {
  /** `https://registry-1.docker.io`, `https://127.0.0.1:5000` */
  origin: string;
  /** The registry as the user named it, for messages. */
  name: string;
  /** An insecure registry (loopback or configured): its certificate is not checked, and `fallbackOrigin` (plain HTTP) is tried when HTTPS does not answer. */
  insecure: boolean;
  fallbackOrigin?: string;
}

const DOCKER_HUB_NAMES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const HOST_PORT = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/;

/** `insecure`: HTTPS unchecked then plain HTTP; by default only for loopback hosts (see registry-network.ts for the configured ones). */
export function resolveEndpoint(registry: string, insecure?: boolean): RegistryEndpoint {
  const name = registry.trim().toLowerCase();
  if (DOCKER_HUB_NAMES.has(name)) return { origin: 'https://registry-1.docker.io', name: 'docker.io', insecure: false };
  const m = HOST_PORT.exec(name);
  if (!m) throw new RegistryError('invalid', `invalid registry address "${registry}": expected host[:port]`);
  const host = m[1] ?? m[2] ?? '';
  const port = m[3];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) {
    throw new RegistryError('invalid', `invalid registry address "${registry}": port out of range`);
  }
  insecure ??= isLoopback(host);
  const address = `${isIP(host) === 6 ? `[${host}]` : host}${port ? `:${port}` : ''}`;
  return { origin: `https://${address}`, name: registry, insecure, ...(insecure ? { fallbackOrigin: `http://${address}` } : {}) };
}

export function isDockerHub(registry: string): boolean {
  return DOCKER_HUB_NAMES.has(registry.trim().toLowerCase());
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** The name Docker prints: `alpine`, `me/app`, `127.0.0.1:5000/app`. */
export function familiarName(ref: RemoteReference): string {
  if (DOCKER_HUB_NAMES.has(ref.registry.toLowerCase())) {
    return ref.repository.startsWith('library/') ? ref.repository.slice('library/'.length) : ref.repository;
  }
  return `${ref.registry}/${ref.repository}`;
}

/** The tag or digest a manifest request names. */
export function manifestReference(ref: RemoteReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Rejects references that would build a wrong URL before any request goes out. */
export function checkReference(ref: RemoteReference): void {
  if (!REPOSITORY.test(ref.repository)) {
    throw new RegistryError('invalid', `invalid repository name "${ref.repository}": use lowercase letters, digits and separators`);
  }
  if (ref.tag !== undefined && !TAG.test(ref.tag)) throw new RegistryError('invalid', `invalid tag "${ref.tag}"`);
  if (ref.digest !== undefined) checkDigest(ref.digest, 'reference digest');
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function checkDigest(digest: string, what: string): void {
  if (!DIGEST.test(digest)) throw new RegistryError('invalid', `invalid ${what} "${digest}": expected sha256:<64 hex digits>`);
}

export function shortId(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return hex.slice(0, 12);
}
