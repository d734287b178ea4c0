// Network routes: list, inspect, create, remove, prune, connect/disconnect of containers.
import type { ContainerEngine } from '../../daemon/container-stack.js';
import { InvalidError } from '../../errdefs.js';
import type { EndpointSettings } from '../../containers/endpoints.js';
import { networkConnectBody, networkCreateBody, networkDisconnectBody } from '../../schema/resource-schemas.js';
import { readBody, discardBody } from '../body.js';
import { parseFilters } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { Router } from '../router.js';

export function registerNetworkRoutes(router: Router, E: () => Promise<ContainerEngine>): void {
  const netView = (e: ContainerEngine, id: string) => e.networks.inspectView(e.networks.get(id), (cid) => { try { return e.containers.get(cid).Name.slice(1); } catch { return undefined; } });
  router.get('/networks', async (req, res) => {
    const e = await E();
    const f = parseFilters(req.query.get('filters'));
    for (const k of f.keys()) if (!['name', 'id', 'driver', 'label', 'type', 'scope', 'dangling'].includes(k)) throw new InvalidError(`invalid filter '${k}'`);
    const list = e.networks.list().filter((n) => {
      if (f.get('name')?.length && !f.get('name')!.some((v) => n.Name.includes(v))) return false;
      if (f.get('id')?.length && !f.get('id')!.some((v) => n.Id.startsWith(v))) return false;
      if (f.get('driver')?.length && !f.get('driver')!.includes(n.Driver)) return false;
      if (f.get('type')?.length && !f.get('type')!.includes(['bridge', 'host', 'none'].includes(n.Name) ? 'builtin' : 'custom')) return false;
      return true;
    });
    sendJson(res, 200, list.map((n) => netView(e, n.Id)));
  });
  router.post('/networks/create', async (req, res) => {
    const body = await readBody<{ Name?: string; Driver?: string; Labels?: Record<string, string>; Internal?: boolean; IPAM?: { Config?: { Subnet?: string }[] } }>(req.raw, networkCreateBody);
    const n = await (await E()).networks.create({ Name: body.Name ?? '', Driver: body.Driver, Labels: body.Labels, Internal: body.Internal, Subnet: body.IPAM?.Config?.[0]?.Subnet });
    sendJson(res, 201, { Id: n.Id, Warning: '' });
  });
  router.post('/networks/prune', async (req, res) => { discardBody(req.raw); sendJson(res, 200, { NetworksDeleted: await (await E()).networks.prune() }); });
  router.get('/networks/([^/]+)', async (req, res) => sendJson(res, 200, netView(await E(), req.params[0])));
  router.delete('/networks/([^/]+)', async (req, res) => { await (await E()).networks.remove(req.params[0]); sendEmpty(res, 204); });
  router.post('/networks/([^/]+)/connect', async (req, res) => {
    // Decoded as dockerd decodes it (types, Go's rules), then checked field by field.
    const body = await readBody<Record<string, unknown>>(req.raw, networkConnectBody);
    const e = await E();
    await e.containers.connectNetwork(containerOf(body), req.params[0], endpointSettingsOf(body.EndpointConfig));
    sendEmpty(res, 200);
  });
  router.post('/networks/([^/]+)/disconnect', async (req, res) => {
    const body = await readBody<Record<string, unknown>>(req.raw, networkDisconnectBody);
    const e = await E();
    if (body.Force !== undefined && typeof body.Force !== 'boolean') throw new InvalidError('Force must be a boolean');
    await e.containers.disconnectNetwork(containerOf(body), req.params[0], body.Force === true);
    sendEmpty(res, 200);
  });
}

function containerOf(body: Record<string, unknown>): string {
  const c = body.Container;
  if (typeof c !== 'string' || !c) throw new InvalidError(`invalid name or ID supplied: ${JSON.stringify(c ?? '')}`);
  return c;
}

const stringList = (v: unknown, field: string): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new InvalidError(`EndpointConfig.${field} must be a list of strings`);
  return v as string[];
};

/** network connect's EndpointConfig, checked field by field (the fields this engine reads). */
function endpointSettingsOf(v: unknown): EndpointSettings | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidError('EndpointConfig must be an object');
  const o = v as Record<string, unknown>;
  const ipam = o.IPAMConfig;
  if (ipam !== undefined && ipam !== null && (typeof ipam !== 'object' || Array.isArray(ipam))) throw new InvalidError('EndpointConfig.IPAMConfig must be an object');
  const ic = (ipam ?? {}) as Record<string, unknown>;
  for (const f of ['IPv4Address', 'IPv6Address']) if (ic[f] !== undefined && ic[f] !== null && typeof ic[f] !== 'string') throw new InvalidError(`EndpointConfig.IPAMConfig.${f} must be a string`);
  return {
    Aliases: stringList(o.Aliases, 'Aliases'), Links: stringList(o.Links, 'Links'),
    IPAMConfig: { IPv4Address: (ic.IPv4Address as string | undefined) || undefined, IPv6Address: (ic.IPv6Address as string | undefined) || undefined, LinkLocalIPs: stringList(ic.LinkLocalIPs, 'IPAMConfig.LinkLocalIPs') },
  };
}
