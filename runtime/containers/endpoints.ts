// A container's endpoints (its networks): what a create's NetworkingConfig and a network connect ask
// for, checked by Docker's rules and messages, and the aliases each endpoint answers to.
import { InvalidError } from '../errdefs.js';
import { checkInSubnet } from '../network/ipam.js';
import type { NetworkRecord, NetworkService } from '../network/network-service.js';
import type { EndpointRecord } from './record.js';

/** An endpoint as the API sends it (EndpointsConfig values, network connect's EndpointConfig). */
export interface EndpointSettings {
  Aliases?: string[] | null;
  Links?: string[] | null;
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] | null } | null;
  NetworkID?: string;
  DriverOpts?: Record<string, string> | null;
}

/** Networks that are not user-defined: no aliases, links or addresses of one's own there. */
export const PREDEFINED = ['bridge', 'host', 'none'];

export const isUserDefined = (net: NetworkRecord): boolean => net.Driver === 'bridge' && !PREDEFINED.includes(net.Name);

/** Docker's runconfig errors for an endpoint's settings on `net` (validationError: 400). */
export function checkEndpointSettings(net: NetworkRecord, s: EndpointSettings | null | undefined): void {
  const ipv4 = s?.IPAMConfig?.IPv4Address ?? '';
  if (s?.IPAMConfig?.IPv6Address) throw new InvalidError(`IPv6 address ${s.IPAMConfig.IPv6Address} cannot be used: networks of this engine have no IPv6`);
  if (s?.IPAMConfig?.LinkLocalIPs?.length) throw new InvalidError('link-local addresses (--link-local-ip) are not supported by this engine');
  if (!isUserDefined(net)) {
    if (ipv4) throw new InvalidError('user specified IP address is supported on user defined networks only');
    if (s?.Aliases?.length) throw new InvalidError('network-scoped alias is supported only for containers in user defined networks');
    if (s?.Links?.length) throw new InvalidError('links in an endpoint are supported only on user defined networks (legacy --link on the default bridge is not supported by this engine)');
    return;
  }
  if (ipv4) {
    if (net.AutoSubnet) throw new InvalidError('user specified IP address is supported only when connecting to networks with user configured subnets');
    checkInSubnet(net.Subnet!, ipv4);
  }
  for (const l of s?.Links ?? []) {
    if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]*(:[a-zA-Z0-9][a-zA-Z0-9_.-]*)?$/.test(l)) throw new InvalidError(`invalid link "${l}": expected NAME or NAME:ALIAS`);
  }
}

/**
 * Docker's rules for a container that joins `net` while on `current` (daemon/container_operations.go,
 * updateNetworkSettings): host and none stand alone. `hostMode` is HostConfig.NetworkMode == host.
 */
export function checkJoin(net: NetworkRecord, current: NetworkRecord[], hostMode: boolean): void {
  if (!hostMode && net.Driver === 'host') throw new InvalidError('container cannot be disconnected from host network or connected to host network');
  for (const sn of current) {
    if (sn.Name === net.Name) continue;
    if (sn.Driver === 'host' || net.Driver === 'host') throw new InvalidError('container sharing network namespace with another container or host cannot be connected to any other network');
    if (sn.Driver === 'null' || net.Driver === 'null') throw new InvalidError('container cannot be connected to multiple networks with one of the networks in private (none) mode');
  }
}

/**
 * The record of an endpoint not yet running. On user-defined networks the container's short ID is an
 * alias, as Docker adds it; the name (and links) resolve through peers() whatever the aliases say.
 */
export function endpointRecord(net: NetworkRecord | undefined, containerId: string, s: EndpointSettings | null | undefined): EndpointRecord {
  const aliases = [...new Set(s?.Aliases ?? [])];
  if (net && isUserDefined(net) && !aliases.includes(containerId.slice(0, 12))) aliases.push(containerId.slice(0, 12));
  const ipv4 = s?.IPAMConfig?.IPv4Address;
  return {
    NetworkID: net?.Id ?? '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: aliases,
    ...(ipv4 ? { IPAMConfig: { IPv4Address: ipv4 } } : {}), ...(s?.Links?.length ? { Links: [...s.Links] } : {}),
  };
}

/** The aliases `of` gives itself on a link to `target` (by name, with or without the slash). */
export function linkAliases(links: string[] | undefined, targetName: string): string[] {
  const out: string[] = [];
  for (const l of links ?? []) {
    const [name, alias] = l.replace(/^\//, '').split(':');
    if (name === targetName.replace(/^\//, '')) out.push(alias ?? name);
  }
  return out;
}

/**
 * The endpoints of a new container, the network of NetworkMode first (its default route). As with
 * dockerd, EndpointsConfig (when given) names the networks; API 1.41 clients send one and connect
 * the rest, newer ones send several, which this engine accepts. A network that does not exist yet
 * is only an error at start (a 404 here would make the CLI pull the image).
 */
export function createEndpoints(networks: NetworkService, mode: string | undefined, config: Record<string, EndpointSettings | null>, containerId: string, hostLinks: string[] = []): Record<string, EndpointRecord> {
  const modeName = networks.modeName(mode);
  const entries = Object.entries(config);
  if (!entries.length) entries.push([modeName, null]);
  // "default" (what the CLI sends for no --network) is the bridge, as in NetworkMode.
  const resolved = entries.map(([k, s]) => { const key = networks.modeName(k); return { key, s: s ?? undefined, net: networks.find(key) }; });
  const primary = resolved.findIndex((e) => (e.net?.Name ?? e.key) === modeName);
  if (primary > 0) resolved.unshift(...resolved.splice(primary, 1));
  // HostConfig.Links (--link): on a user-defined network dockerd makes them links of the endpoint on
  // NetworkMode's network; legacy links on the default bridge (environment variables) are not here.
  if (hostLinks.length) {
    const first = resolved[0];
    if (!first || (first.net && !isUserDefined(first.net)) || (!first.net && PREDEFINED.includes(first.key))) {
      throw new InvalidError('legacy links (--link) on the default bridge are not supported by this engine: put the containers on a user-defined network (docker network create), where --link and aliases work');
    }
    // The CLI sends --link both here and in the endpoint's Links.
    first.s = { ...first.s, Links: [...new Set([...(first.s?.Links ?? []), ...hostLinks])] };
  }
  const out: Record<string, EndpointRecord> = {};
  const joined: NetworkRecord[] = [];
  for (const { key, s, net } of resolved) {
    if (net) {
      checkJoin(net, joined, networks.modeName(mode) === 'host');
      checkEndpointSettings(net, s);
      joined.push(net);
    }
    out[net?.Name ?? key] = endpointRecord(net, containerId, s);
  }
  return out;
}

/**
 * The record's endpoints after a start: what was asked for, with the addresses each network gave
 * (`got` is keyed by network name; a record may still name a network by the ID or name it was
 * created with). The short ID becomes an alias on user-defined networks, as Docker adds it.
 */
export function startedEndpoints(r: { Id: string; Networks: Record<string, EndpointRecord> }, got: Record<string, EndpointRecord>, find: (n: string) => NetworkRecord | undefined): Record<string, EndpointRecord> {
  const out: Record<string, EndpointRecord> = {};
  for (const [key, asked] of Object.entries(r.Networks)) {
    const net = find(key);
    const name = net?.Name ?? key;
    const addr = got[name];
    const base = endpointRecord(net, r.Id, { Aliases: asked.Aliases, Links: asked.Links, IPAMConfig: asked.IPAMConfig });
    out[name] = addr ? { ...base, ...addr, Aliases: base.Aliases, NetworkID: net?.Id ?? addr.NetworkID } : base;
  }
  return out;
}
