// Network routes: list, inspect, create, remove, prune, connect/disconnect (refused with a clear message).
import type { ContainerEngine } from '../../containers/engine.js';
import { InvalidError } from '../../errdefs.js';
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
  router.post('/networks/([^/]+)/(connect|disconnect)', async (req, res) => {
    await readBody(req.raw, req.params[1] === 'connect' ? networkConnectBody : networkDisconnectBody);
    await E();
    void res;
    throw new InvalidError(`network ${req.params[1]} of a created container is not supported yet: choose the network at create time with --network`);
  });
}
