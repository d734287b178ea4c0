// Volume routes: list (with filters), create, inspect, remove, prune.
import type { ContainerEngine } from '../../daemon/container-stack.js';
import { InvalidError } from '../../errdefs.js';
import type { VolumeRecord } from '../../volumes/volume-service.js';
import { volumeCreateBody } from '../../schema/resource-schemas.js';
import { readBody, discardBody } from '../body.js';
import { parseFilters, queryBool } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { Router } from '../router.js';

function view({ Anonymous: _a, ...v }: VolumeRecord): Omit<VolumeRecord, 'Anonymous'> {
  return v;
}

function labelMatches(labels: Record<string, string>, v: string): boolean {
  const eq = v.indexOf('=');
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1);
}

export function registerVolumeRoutes(router: Router, E: () => Promise<ContainerEngine>): void {
  router.get('/volumes', async (req, res) => {
    const e = await E();
    const f = parseFilters(req.query.get('filters'));
    for (const k of f.keys()) if (!['name', 'label', 'dangling', 'driver'].includes(k)) throw new InvalidError(`invalid filter '${k}'`);
    const list = e.volumes.list().filter((v) => {
      if (f.get('name')?.length && !f.get('name')!.some((n) => v.Name.includes(n))) return false;
      if (f.get('label')?.some((l) => !labelMatches(v.Labels ?? {}, l))) return false;
      if (f.get('driver')?.length && !f.get('driver')!.includes(v.Driver)) return false;
      const dangling = f.get('dangling')?.[0];
      if (dangling !== undefined && (['true', '1'].includes(dangling) ? e.containers.usingVolume(v.Name).length > 0 : e.containers.usingVolume(v.Name).length === 0)) return false;
      return true;
    });
    sendJson(res, 200, { Volumes: list.map(view), Warnings: null });
  });
  router.post('/volumes/create', async (req, res) => {
    const body = await readBody<{ Name?: string; Driver?: string; Labels?: Record<string, string>; DriverOpts?: Record<string, string> }>(req.raw, volumeCreateBody);
    sendJson(res, 201, view(await (await E()).volumes.create(body)));
  });
  router.post('/volumes/prune', async (req, res) => {
    discardBody(req.raw);
    const f = parseFilters(req.query.get('filters'));
    for (const k of f.keys()) if (!['all', 'label', 'label!'].includes(k)) throw new InvalidError(`invalid filter '${k}'`);
    const all = ['true', '1'].includes(f.get('all')?.[0] ?? '');
    const keep = (v: VolumeRecord) => Boolean(f.get('label')?.some((l) => !labelMatches(v.Labels ?? {}, l)) || f.get('label!')?.some((l) => labelMatches(v.Labels ?? {}, l)));
    sendJson(res, 200, await (await E()).volumes.prune(all, keep));
  });
  router.get('/volumes/([^/]+)', async (req, res) => sendJson(res, 200, view((await E()).volumes.get(req.params[0]))));
  router.delete('/volumes/([^/]+)', async (req, res) => { await (await E()).volumes.remove(req.params[0], queryBool(req.query, 'force')); sendEmpty(res, 204); });
}
