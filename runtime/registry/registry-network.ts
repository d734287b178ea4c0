// How the daemon reaches registries, as dockerd is told: proxies from its environment, per-registry
// certificates under a certs.d folder, `insecure-registries` and `registry-mirrors` from its
// configuration file. One value per daemon, handed to every pull, push and login.
import { lookup } from 'node:dns/promises';
import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { isDockerHub, isLoopback, resolveEndpoint, type RegistryEndpoint } from './endpoint.js';
import { RegistryError } from './errors.js';
import { inCidr, maskedProxy, proxyConfigFromEnv, type ProxyConfig } from './proxy-choice.js';

export interface RegistryNetwork {
  /** `/etc/docker/certs.d` (root) or `~/.config/docker/certs.d` (rootless): `HOST[:PORT]/ca.crt`, `*.crt`, `client.cert` + `client.key`. */
  certsDir: string;
  /** `insecure-registries`: `host[:port]` names or CIDR ranges. HTTPS unchecked, then plain HTTP. */
  insecureRegistries: string[];
  /** `registry-mirrors`: tried in order for Docker Hub pulls before Docker Hub itself. */
  mirrors: string[];
  proxy: ProxyConfig;
  /**
   * A rootless daemon's relay to the host's loopback (slirp4netns cannot reach it): registries on
   * 127.0.0.0/8 are asked through this socket.
   */
  loopbackRelay?: string;
}

/** Where dockerd looks for registry certificates: the same folders, so one setup serves both engines. */
export function defaultCertsDir(rootless: boolean, env: NodeJS.ProcessEnv = process.env): string {
  if (!rootless) return '/etc/docker/certs.d';
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'docker', 'certs.d');
}

export function registryNetwork(opts: Partial<RegistryNetwork> & { rootless?: boolean; env?: NodeJS.ProcessEnv } = {}): RegistryNetwork {
  const env = opts.env ?? process.env;
  return {
    certsDir: opts.certsDir ?? defaultCertsDir(opts.rootless ?? false, env),
    insecureRegistries: opts.insecureRegistries ?? [],
    mirrors: opts.mirrors ?? [],
    proxy: opts.proxy ?? proxyConfigFromEnv(env),
    ...(opts.loopbackRelay ? { loopbackRelay: opts.loopbackRelay } : {}),
  };
}

/** Checks one `insecure-registries` entry; returns a message naming what is wrong, or undefined. */
export function insecureEntryProblem(entry: string): string | undefined {
  if (/^[a-z]+:\/\//i.test(entry)) return `insecure registry ${entry} should not contain '://'`;
  if (entry.includes('/')) {
    const [net, bits] = entry.split('/');
    const family = isIP(net ?? '');
    const max = family === 6 ? 128 : 32;
    if (!family || !/^\d+$/.test(bits ?? '') || Number(bits) > max) return `insecure registry ${entry} is not a valid CIDR range (e.g. 10.0.0.0/8)`;
    return undefined;
  }
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(entry)) return `insecure registry ${entry} is not HOST[:PORT] or a CIDR range`;
  return undefined;
}

/**
 * Is `registry` (host[:port]) insecure: a loopback address (always, as dockerd has 127.0.0.0/8 by
 * default), a name listed as is, or an address inside a listed CIDR range. Host names are resolved
 * for the CIDR check as dockerd does; one that does not resolve here (it may resolve at a proxy)
 * matches by name only.
 */
export async function isInsecureRegistry(registry: string, network: RegistryNetwork | undefined): Promise<boolean> {
  const name = registry.toLowerCase();
  const host = name.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (isLoopback(host)) return true;
  if (!network || network.insecureRegistries.length === 0) return false;
  const entries = network.insecureRegistries.map((e) => e.toLowerCase());
  if (entries.includes(name) || entries.includes(host)) return true;
  const cidrs = entries.filter((e) => e.includes('/'));
  if (cidrs.length === 0) return false;
  let addresses: { address: string; family: number }[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      return false;
    }
  }
  return addresses.some(({ address, family }) => cidrs.some((c) => inCidr(address, family, c)));
}

/** `docker info`'s HttpProxy, HttpsProxy, NoProxy and RegistryConfig. */
export function registryInfo(network: RegistryNetwork): Record<string, unknown> {
  const cidrs = ['127.0.0.0/8', ...network.insecureRegistries.filter((e) => e.includes('/'))];
  const indexConfigs: Record<string, unknown> = {
    'docker.io': { Name: 'docker.io', Mirrors: network.mirrors, Secure: true, Official: true },
  };
  for (const name of network.insecureRegistries.filter((e) => !e.includes('/'))) {
    indexConfigs[name] = { Name: name, Mirrors: [], Secure: false, Official: false };
  }
  return {
    HttpProxy: maskedProxy(network.proxy.httpProxy),
    HttpsProxy: maskedProxy(network.proxy.httpsProxy),
    NoProxy: network.proxy.noProxy ?? '',
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [], InsecureRegistryCIDRs: cidrs, IndexConfigs: indexConfigs, Mirrors: network.mirrors },
  };
}

/** The endpoint for `registry` with the configured insecure-registries applied. */
export async function endpointFor(registry: string, network: RegistryNetwork | undefined): Promise<RegistryEndpoint> {
  if (isDockerHub(registry)) return resolveEndpoint(registry, false);
  return resolveEndpoint(registry, await isInsecureRegistry(registry, network));
}

/** Where a pull asks, in order: for Docker Hub the configured mirrors first, then the registry itself. */
export async function pullEndpoints(registry: string, network: RegistryNetwork | undefined): Promise<{ endpoint: RegistryEndpoint; mirror: boolean }[]> {
  const own = { endpoint: await endpointFor(registry, network), mirror: false };
  if (!isDockerHub(registry) || !network?.mirrors.length) return [own];
  const mirrors = await Promise.all(network.mirrors.map(async (m) => ({ endpoint: await mirrorEndpoint(m, network), mirror: true })));
  return [...mirrors, own];
}

/** Checks one `registry-mirrors` entry: an http:// or https:// URL with no path. */
export function mirrorProblem(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return `registry mirror ${entry} is not a URL; use https://HOST[:PORT]`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `registry mirror ${entry} must start with https:// (or http://)`;
  if (url.pathname !== '/' || url.search || url.hash || url.username) return `registry mirror ${entry} must be https://HOST[:PORT] with no path, query or credentials`;
  return undefined;
}

async function mirrorEndpoint(entry: string, network: RegistryNetwork): Promise<RegistryEndpoint> {
  const problem = mirrorProblem(entry);
  if (problem) throw new RegistryError('invalid', problem);
  const url = new URL(entry);
  // A mirror named with http:// is spoken to in plain HTTP, as dockerd does.
  if (url.protocol === 'http:') return { origin: url.origin, name: url.host, insecure: true };
  return { ...resolveEndpoint(url.host, await isInsecureRegistry(url.host, network)), name: url.host };
}
