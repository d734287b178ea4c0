// Exec routes: create, start (attached through a hijacked connection, or detached), resize, inspect.
import type { ServerResponse } from 'node:http';
import type { ContainerEngine } from '../../daemon/container-stack.js';
import type { ExecConfig } from '../../containers/exec-service.js';
import { execCreateBody, execStartBody } from '../../schema/resource-schemas.js';
import { readBody, discardBody } from '../body.js';
import { queryInt } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { ApiRequest, Router } from '../router.js';
import { frameParts, RAW_STREAM } from './container-io.js';
import { errorMessage } from '../../errdefs.js';
import { hijack, upgradeBody } from './hijack.js';
import { decodeBody } from '../../schema/go-json.js';

interface ExecStart { Detach?: boolean; Tty?: boolean }

export function registerExecRoutes(router: Router, E: () => Promise<ContainerEngine>): void {
  router.post('/containers/([^/]+)/exec', async (req, res) => {
    const e = await E();
    sendJson(res, 201, e.execs.create(req.params[0], await readBody<ExecConfig>(req.raw, execCreateBody)));
  });
  router.post('/exec/([^/]+)/start', async (req, res) => { await execStart(await E(), req, res); });
  router.post('/exec/([^/]+)/resize', async (req, res) => { discardBody(req.raw); (await E()).execs.resize(req.params[0], queryInt(req.query, 'h') ?? 0, queryInt(req.query, 'w') ?? 0); sendEmpty(res, 200); });
  router.get('/exec/([^/]+)/json', async (req, res) => sendJson(res, 200, (await E()).execs.inspect(req.params[0])));
}

async function execStart(e: ContainerEngine, req: ApiRequest, res: ServerResponse): Promise<void> {
  const id = req.params[0];
  const exec = e.execs.get(id);
  const up = await upgradeBody(req);
  const body = up ? decodeBody<ExecStart>(up.body, execStartBody) : await readBody<ExecStart>(req.raw, execStartBody);
  const tty = body.Tty ?? Boolean(exec.Config.Tty);
  if (body.Detach) {
    await e.execs.start(id, { onData: () => undefined, onEnd: () => undefined });
    sendEmpty(res, 200);
    return;
  }
  const stream = hijack(req, res, RAW_STREAM, up?.length ?? 0);
  let h: Awaited<ReturnType<typeof e.execs.start>>;
  try {
    h = await e.execs.start(id, { onData: (st, d) => stream.write(...frameParts(tty, st, d)), onEnd: () => stream.end() });
  } catch (err) {
    // The stream is up, so the error goes into it (as dockerd writes runc's), not into a status line.
    stream.write(...frameParts(tty, 'stderr', Buffer.from(`Error response from daemon: ${errorMessage(err)}\n`)));
    stream.end();
    return;
  }
  if (exec.Config.AttachStdin) stream.onInput((b) => h.write(b), () => h.end());
}
