// Container lifecycle routes: list, create, inspect, start/stop/kill/restart/pause, rename, resize,
// top, wait, remove, prune. Handlers stay thin: parse, call the container engine, reply.
import { asDiskFull } from '../../errdefs.js';
import type { Services } from '../../daemon/services.js';
import type { ContainerEngine } from '../../daemon/container-stack.js';
import type { CreateRequest } from '../../containers/api-types.js';
import { updateBody } from '../../schema/container-schema.js';
import { decodeCreateBody } from '../../schema/create-body.js';
import type { UpdateRequest } from '../../containers/container-update.js';
import { readBody, readJsonBody, discardBody } from '../body.js';
import { parseFilters, queryBool, queryInt } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { registerCommitRoute } from './commit.js';
import { listContainers, pruneFilter } from './container-filters.js';
import { registerContainerIoRoutes } from './container-io.js';
import { registerExecRoutes } from './exec.js';
import { registerNetworkRoutes } from './networks.js';
import { registerVolumeRoutes } from './volumes.js';

/** A full disk met by start, stop, restart or rm says which container and operation it stopped (unless a deeper step said more). */
const writing = (what: string) => (err: unknown): never => { throw asDiskFull(err, what); };

export function registerContainerRoutes(router: Router, s: Services): void {
  const E = (): Promise<ContainerEngine> => s.engine();

  router.get('/containers/json', async (req, res) => {
    const e = await E();
    let list = listContainers(e.containers.all(), queryBool(req.query, 'all'), parseFilters(req.query.get('filters')), (ref) => e.containers.get(ref));
    const limit = queryInt(req.query, 'limit');
    if (limit && limit > 0) list = list.slice(0, limit);
    sendJson(res, 200, list.map((r) => e.containers.summary(r)));
  });
  router.post('/containers/create', async (req, res) => {
    const e = await E();
    const body: CreateRequest = decodeCreateBody(await readJsonBody(req.raw));
    sendJson(res, 201, await e.containers.create(body, req.query.get('name') ?? undefined));
  });
  router.post('/containers/prune', async (req, res) => {
    discardBody(req.raw);
    sendJson(res, 200, await (await E()).containers.prune(pruneFilter(parseFilters(req.query.get('filters')))));
  });
  router.post('/containers/([^/]+)/update', async (req, res) => {
    const body = await readBody<UpdateRequest>(req.raw, updateBody);
    sendJson(res, 200, await (await E()).containers.update(req.params[0], body));
  });
  router.get('/containers/([^/]+)/json', async (req, res) => sendJson(res, 200, (await E()).containers.inspect(req.params[0])));
  router.post('/containers/([^/]+)/start', async (req, res) => { discardBody(req.raw); await (await E()).containers.start(req.params[0]).catch(writing(`starting container ${req.params[0]}`)); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/stop', async (req, res) => { discardBody(req.raw); await (await E()).containers.stop(req.params[0], queryInt(req.query, 't')).catch(writing(`stopping container ${req.params[0]}`)); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/restart', async (req, res) => { discardBody(req.raw); await (await E()).containers.restart(req.params[0], queryInt(req.query, 't')).catch(writing(`restarting container ${req.params[0]}`)); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/kill', async (req, res) => { discardBody(req.raw); await (await E()).containers.kill(req.params[0], req.query.get('signal') || 'KILL'); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/pause', async (req, res) => { discardBody(req.raw); await (await E()).containers.pause(req.params[0]); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/unpause', async (req, res) => { discardBody(req.raw); await (await E()).containers.unpause(req.params[0]); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/rename', async (req, res) => { discardBody(req.raw); await (await E()).containers.rename(req.params[0], req.query.get('name') ?? ''); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/resize', async (req, res) => { discardBody(req.raw); (await E()).containers.resize(req.params[0], queryInt(req.query, 'h') ?? 0, queryInt(req.query, 'w') ?? 0); sendEmpty(res, 200); });
  router.get('/containers/([^/]+)/top', async (req, res) => sendJson(res, 200, await (await E()).containers.top(req.params[0], req.query.get('ps_args') || undefined)));
  router.delete('/containers/([^/]+)', async (req, res) => {
    await (await E()).containers.remove(req.params[0], { force: queryBool(req.query, 'force'), volumes: queryBool(req.query, 'v') }).catch(writing(`removing container ${req.params[0]}`));
    sendEmpty(res, 204);
  });
  router.post('/containers/([^/]+)/wait', async (req, res) => {
    discardBody(req.raw);
    const e = await E();
    const waiting = e.containers.wait(req.params[0], req.query.get('condition') ?? 'not-running');
    // The CLI waits for these headers before it calls start: flush them now.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    res.end(JSON.stringify(await waiting));
  });

  registerContainerIoRoutes(router, E);
  registerCommitRoute(router, s, E);
  registerExecRoutes(router, E);
  registerVolumeRoutes(router, E);
  registerNetworkRoutes(router, E);
}
