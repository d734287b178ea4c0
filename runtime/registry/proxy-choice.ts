// Which proxy a registry request goes through, by the rules dockerd follows (Go's
// net/http.ProxyFromEnvironment), not curl's or undici's EnvHttpProxyAgent's: upper-case variables win
// over lower-case ones, an https URL uses HTTPS_PROXY only (no fallback to HTTP_PROXY), NO_PROXY takes
// host names (matching subdomains too), `.domain` (subdomains only), IP addresses, CIDR ranges, an
// optional `:port`, and `*`; localhost and loopback addresses are never proxied.
import { BlockList, isIP } from 'node:net';

export interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

/** The proxy settings of a daemon's environment, as dockerd reads them. */
export function proxyConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  const pick = (upper: string, lower: string): string | undefined => {
    const v = env[upper] || env[lower];
    return v ? v.trim() || undefined : undefined;
  };
  const config: ProxyConfig = {};
  const httpProxy = pick('HTTP_PROXY', 'http_proxy');
  const httpsProxy = pick('HTTPS_PROXY', 'https_proxy');
  const noProxy = pick('NO_PROXY', 'no_proxy');
  if (httpProxy) config.httpProxy = httpProxy;
  if (httpsProxy) config.httpsProxy = httpsProxy;
  if (noProxy) config.noProxy = noProxy;
  return config;
}

/** `proxy:3128` means `http://proxy:3128`, as in Go. Throws with the variable's name on a bad value. */
export function proxyUrl(value: string, variable: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${variable}="${value}" is not a proxy address; use http://HOST:PORT`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${variable}="${value}": berthd reaches registries through http:// or https:// proxies, not ${url.protocol.slice(0, -1)}`);
  }
  return url;
}

/** The proxy for `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, config: ProxyConfig): { proxy: URL; variable: string } | undefined {
  const variable = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const value = url.protocol === 'https:' ? config.httpsProxy : config.httpProxy;
  if (!value) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (neverProxied(host)) return undefined;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  if (config.noProxy && excluded(host, port, config.noProxy)) return undefined;
  return { proxy: proxyUrl(value, variable), variable };
}

function neverProxied(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function excluded(host: string, port: number, noProxy: string): boolean {
  const ip = isIP(host);
  for (const raw of noProxy.split(',')) {
    let entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    if (entry.includes('/')) {
      // A CIDR range matches addresses only, whatever the port.
      if (ip && inCidr(host, ip, entry)) return true;
      continue;
    }
    let entryPort: number | undefined;
    const withPort = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (withPort) {
      entry = withPort[1] ?? '';
      entryPort = Number(withPort[2]);
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (isIP(entry)) {
      if (entry === host) return true;
      continue;
    }
    if (entry.startsWith('*.')) entry = entry.slice(1);
    if (entry.startsWith('.')) {
      if (host.endsWith(entry)) return true;
    } else if (host === entry || host.endsWith(`.${entry}`)) {
      return true;
    }
  }
  return false;
}

export function inCidr(address: string, family: number, cidr: string): boolean {
  const [net, bits] = cidr.split('/');
  const prefix = Number(bits);
  const netFamily = isIP(net ?? '');
  if (!netFamily || netFamily !== family || !Number.isInteger(prefix)) return false;
  const list = new BlockList();
  try {
    list.addSubnet(net ?? '', prefix, family === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A proxy address with its credentials hidden, as `docker info` shows it. */
export function maskedProxy(value: string | undefined): string {
  if (!value) return '';
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
    if (!url.username && !url.password) return value;
    url.username = url.username ? 'xxxxx' : '';
    url.password = url.password ? 'xxxxx' : '';
    return url.href.replace(/\/$/, value.endsWith('/') ? '/' : '');
  } catch {
    return value;
  }
}
