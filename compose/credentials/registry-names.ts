// Which registry an image lives in, and the key the docker CLI files that registry's credentials under.
// Docker Hub is the odd one: its images name no host, and its key is the old v1 index URL.

/** The key `docker login` uses for Docker Hub in config.json and with credential helpers. */
export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
export const DOCKER_HUB = 'docker.io';

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/** `busybox`, `user/app:1` → docker.io; `127.0.0.1:5000/app`, `ghcr.io/o/a`, `localhost/x` → that host. */
export function registryOfImage(ref: string): string {
  const slash = ref.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = ref.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return isHost ? normalizeRegistry(first) : DOCKER_HUB;
}

/** A server address as users and config files write it (`https://host:5000/v2/`, `Docker.IO`) → `host:5000`, `docker.io`. */
export function normalizeRegistry(address: string): string {
  const host = address.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === '' || HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The key of a registry in config.json's `auths`, `credHelpers` and the helpers' stores. */
export function configKeyOf(registry: string): string {
  const host = normalizeRegistry(registry);
  return host === DOCKER_HUB ? DOCKER_HUB_KEY : host;
}

/** Why a registry address cannot be used, or undefined when it can (for input box validation). */
export function checkRegistryAddress(address: string): string | undefined {
  const host = address.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (!host) return 'Enter a registry host, such as docker.io, ghcr.io or 127.0.0.1:5000.';
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host)) {
    return `"${host}" is not a registry host (host or host:port).`;
  }
  return undefined;
}
