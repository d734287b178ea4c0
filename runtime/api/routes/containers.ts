// Container, exec, volume and network routes. Handlers stay thin: parse, call the container engine, reply.
import type { ServerResponse } from 'node:http';
import type { Services } from '../../daemon/services.js';
import { InvalidError } from '../../errdefs.js';
import { containerEngine, type ContainerEngine } from '../../containers/engine.js';
import type { CreateRequest } from '../../containers/api-types.js';
import type { ExecConfig } from '../../containers/exec-service.js';
import { muxFrame } from '../../logs/log-reader.js';
import { readJsonBody, readJsonObject, discardBody } from '../body.js';
import { parseFilters, parseTimestamp, queryBool, queryInt } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { ApiRequest, Router } from '../router.js';
import { hijack, upgradeBody } from './hijack.js';

const RAW = 'application/vnd.docker.raw-stream';

function frame(tty: boolean, stream: 'stdout' | 'stderr', d: Buffer): Buffer {
  return tty ? d : muxFrame(stream === 'stdout' ? 1 : 2, d);
}

function listFilter(e: ContainerEngine, req: ApiRequest) {
  const f = parseFilters(req.query.get('filters'));
  const all = queryBool(req.query, 'all');
  return e.containers.all().filter((r) => {
    if (!all && !f.has('status') && r.State.Status !== 'running' && r.State.Status !== 'paused' && r.State.Status !== 'restarting') return false;
    for (const [k, vals] of f) {
      const ok = vals.some((v) => {
        switch (k) {
          case 'status': return r.State.Status === v;
          case 'name': return r.Name.slice(1).includes(v.replace(/^\//, ''));
          case 'id': return r.Id.startsWith(v);
          case 'label': { const [lk, lv] = v.split('='); const labels = r.Config.Labels ?? {}; return lv === undefined ? lk in labels : labels[lk] === lv; }
          case 'ancestor': return r.ImageName === v || r.Image === v || r.Image.startsWith(`sha256:${v}`);
          case 'exited': return r.State.Status === 'exited' && String(r.State.ExitCode) === v;
          case 'network': return v in r.Networks;
          default: throw new InvalidError(`invalid filter '${k}'`);
        }
      });
      if (!ok) return false;
    }
    return true;
  }).sort((a, b) => b.Created.localeCompare(a.Created));
}

export function registerContainerRoutes(router: Router, s: Services): void {
  const eng = containerEngine(s);
  const E = (): Promise<ContainerEngine> => eng;

  router.get('/containers/json', async (req, res) => {
    const e = await E();
    let list = listFilter(e, req);
    const limit = queryInt(req.query, 'limit');
    if (limit && limit > 0) list = list.slice(0, limit);
    sendJson(res, 200, list.map((r) => e.containers.summary(r)));
  });
  router.post('/containers/create', async (req, res) => {
    const e = await E();
    const body = await readJsonObject(req.raw) as CreateRequest;
    sendJson(res, 201, await e.containers.create(body, req.query.get('name') ?? undefined));
  });
  router.post('/containers/prune', async (req, res) => { discardBody(req.raw); sendJson(res, 200, await (await E()).containers.prune()); });
  router.get('/containers/([^/]+)/json', async (req, res) => sendJson(res, 200, (await E()).containers.inspect(req.params[0])));
  router.post('/containers/([^/]+)/start', async (req, res) => { discardBody(req.raw); await (await E()).containers.start(req.params[0]); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/stop', async (req, res) => { discardBody(req.raw); await (await E()).containers.stop(req.params[0], queryInt(req.query, 't')); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/restart', async (req, res) => { discardBody(req.raw); await (await E()).containers.restart(req.params[0], queryInt(req.query, 't')); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/kill', async (req, res) => { discardBody(req.raw); await (await E()).containers.kill(req.params[0], req.query.get('signal') || 'KILL'); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/pause', async (req, res) => { discardBody(req.raw); await (await E()).containers.pause(req.params[0]); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/unpause', async (req, res) => { discardBody(req.raw); await (await E()).containers.unpause(req.params[0]); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/rename', async (req, res) => { discardBody(req.raw); await (await E()).containers.rename(req.params[0], req.query.get('name') ?? ''); sendEmpty(res, 204); });
  router.post('/containers/([^/]+)/resize', async (req, res) => { discardBody(req.raw); (await E()).containers.resize(req.params[0], queryInt(req.query, 'h') ?? 0, queryInt(req.query, 'w') ?? 0); sendEmpty(res, 200); });
  router.get('/containers/([^/]+)/top', async (req, res) => sendJson(res, 200, await (await E()).containers.top(req.params[0], req.query.get('ps_args') || undefined)));
  router.delete('/containers/([^/]+)', async (req, res) => {
    await (await E()).containers.remove(req.params[0], { force: queryBool(req.query, 'force'), volumes: queryBool(req.query, 'v') });
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
  router.post('/containers/([^/]+)/attach', async (req, res) => {
    const e = await E();
    const r = e.containers.get(req.params[0]);
    const tty = Boolean(r.Config.Tty);
    const opts = { stdin: queryBool(req.query, 'stdin'), stdout: queryBool(req.query, 'stdout'), stderr: queryBool(req.query, 'stderr') };
    const stream = hijack(req, res, RAW, Number(req.raw.headers['content-length'] ?? 0) || 0);
    if (queryBool(req.query, 'logs')) await e.containers.logs(r.Id, { stdout: opts.stdout, stderr: opts.stderr, timestamps: false, follow: false }, (st, d) => stream.write(frame(tty, st, d)));
    if (!queryBool(req.query, 'stream', true) || (r.State.Status !== 'running' && r.State.Status !== 'created' && r.State.Status !== 'restarting')) { stream.end(); return; }
    const h = e.containers.attach(r.Id, { opts, onData: (st, d) => stream.write(frame(tty, st, d)), onEnd: () => stream.end() });
    stream.onInput((b) => h.write(b), () => h.endStdin());
    void stream.closed.then(() => h.detach());
  });
  router.get('/containers/([^/]+)/logs', async (req, res) => {
    const e = await E();
    const r = e.containers.get(req.params[0]);
    const q = req.query;
    const stdout = queryBool(q, 'stdout');
    const stderr = queryBool(q, 'stderr');
    if (!stdout && !stderr) throw new InvalidError('Bad parameters: you must choose at least one stream');
    const tailRaw = q.get('tail');
    const tail = !tailRaw || tailRaw === 'all' ? undefined : Number(tailRaw);
    const since = q.get('since');
    const until = q.get('until');
    const tty = Boolean(r.Config.Tty);
    res.writeHead(200, { 'Content-Type': tty ? RAW : 'application/vnd.docker.multiplexed-stream' });
    res.flushHeaders();
    await e.containers.logs(r.Id, {
      stdout, stderr, timestamps: queryBool(q, 'timestamps'), follow: queryBool(q, 'follow'), tail: tail !== undefined && Number.isFinite(tail) ? tail : undefined,
      sinceNano: since && since !== '0' ? parseTimestamp(since, 'since') : undefined, untilNano: until && until !== '0' ? parseTimestamp(until, 'until') : undefined,
    }, (st, d) => { if (!res.writableEnded) res.write(frame(tty, st, d)); });
    res.end();
  });

  router.post('/containers/([^/]+)/exec', async (req, res) => {
    const e = await E();
    sendJson(res, 201, e.execs.create(req.params[0], await readJsonObject(req.raw) as ExecConfig));
  });
  router.post('/exec/([^/]+)/start', async (req, res) => { await execStart(await E(), req, res); });
  router.post('/exec/([^/]+)/resize', async (req, res) => { discardBody(req.raw); (await E()).execs.resize(req.params[0], queryInt(req.query, 'h') ?? 0, queryInt(req.query, 'w') ?? 0); sendEmpty(res, 200); });
  router.get('/exec/([^/]+)/json', async (req, res) => sendJson(res, 200, (await E()).execs.inspect(req.params[0])));

  router.get('/volumes', async (_req, res) => sendJson(res, 200, { Volumes: (await E()).volumes.list().map(({ Anonymous: _a, ...v }) => v), Warnings: null }));
  router.post('/volumes/create', async (req, res) => {
    const body = await readJsonObject(req.raw) as { Name?: string; Driver?: string; Labels?: Record<string, string>; DriverOpts?: Record<string, string> };
    const { Anonymous: _a, ...v } = await (await E()).volumes.create(body);
    sendJson(res, 201, v);
  });
  router.post('/volumes/prune', async (req, res) => { discardBody(req.raw); sendJson(res, 200, await (await E()).volumes.prune(parseFilters(req.query.get('filters')).get('all')?.includes('true'))); });
  router.get('/volumes/([^/]+)', async (req, res) => { const { Anonymous: _a, ...v } = (await E()).volumes.get(req.params[0]); sendJson(res, 200, v); });
  router.delete('/volumes/([^/]+)', async (req, res) => { await (await E()).volumes.remove(req.params[0], queryBool(req.query, 'force')); sendEmpty(res, 204); });

  const netView = (e: ContainerEngine, id: string) => e.networks.inspectView(e.networks.get(id), (cid) => { try { return e.containers.get(cid).Name.slice(1); } catch { return undefined; } });
  router.get('/networks', async (_req, res) => { const e = await E(); sendJson(res, 200, e.networks.list().map((n) => netView(e, n.Id))); });
  router.post('/networks/create', async (req, res) => {
    const body = await readJsonObject(req.raw) as { Name: string; Driver?: string; Labels?: Record<string, string>; Internal?: boolean; IPAM?: { Config?: { Subnet?: string }[] } };
    const n = await (await E()).networks.create({ Name: body.Name, Driver: body.Driver, Labels: body.Labels, Internal: body.Internal, Subnet: body.IPAM?.Config?.[0]?.Subnet });
    sendJson(res, 201, { Id: n.Id, Warning: '' });
  });
  router.post('/networks/prune', async (req, res) => { discardBody(req.raw); sendJson(res, 200, { NetworksDeleted: await (await E()).networks.prune() }); });
  router.get('/networks/([^/]+)', async (req, res) => sendJson(res, 200, netView(await E(), req.params[0])));
  router.delete('/networks/([^/]+)', async (req, res) => { await (await E()).networks.remove(req.params[0]); sendEmpty(res, 204); });
}

async function execStart(e: ContainerEngine, req: ApiRequest, res: ServerResponse): Promise<void> {
  const id = req.params[0];
  const exec = e.execs.get(id);
  const up = upgradeBody(req);
  const body = (up ? up.body : await readJsonBody(req.raw)) as { Detach?: boolean; Tty?: boolean } | undefined;
  const tty = body?.Tty ?? Boolean(exec.Config.Tty);
  if (body?.Detach) {
    await e.execs.start(id, { onData: () => undefined, onEnd: () => undefined });
    sendEmpty(res, 200);
    return;
  }
  const stream = hijack(req, res, RAW, up?.length ?? 0);
  const h = await e.execs.start(id, { onData: (st, d) => stream.write(frame(tty, st, d)), onEnd: () => stream.end() });
  if (exec.Config.AttachStdin) stream.onInput((b) => h.write(b), () => h.end());
}
