// Container I/O routes: attach, logs, stats, archive (docker cp) and export.
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { ContainerEngine } from '../../daemon/container-stack.js';
import { encodePathStat } from '../../containers/archive.js';
import type { StatsSample } from '../../containers/stats.js';
import { InvalidError } from '../../errdefs.js';
import { muxFrame, muxHeader } from '../../logs/log-reader.js';
import { discardBody } from '../body.js';
import { parseTimestamp } from '../../filters.js';
import { queryBool } from '../query.js';
import type { Router } from '../router.js';
import { hijack } from './hijack.js';

export const RAW_STREAM = 'application/vnd.docker.raw-stream';
const MUX_STREAM = 'application/vnd.docker.multiplexed-stream';
const STATS_INTERVAL_MS = 1000;

/** Output as the client expects it: raw bytes with a TTY, else Docker's multiplexed frames. */
export function frame(tty: boolean, stream: 'stdout' | 'stderr', d: Buffer): Buffer {
  return tty ? d : muxFrame(stream === 'stdout' ? 1 : 2, d);
}

/** The same as header + payload parts, without copying the payload (for RawStream.write). */
export function frameParts(tty: boolean, stream: 'stdout' | 'stderr', d: Buffer): Buffer[] {
  return tty ? [d] : [muxHeader(stream === 'stdout' ? 1 : 2, d.length), d];
}

/** Resolves when the client hangs up (res 'close'; req 'close' fires when the body is read). */
function clientGone(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => res.once('close', () => resolve()));
}

export function registerContainerIoRoutes(router: Router, E: () => Promise<ContainerEngine>): void {
  router.post('/containers/([^/]+)/attach', async (req, res) => {
    const e = await E();
    const r = e.containers.get(req.params[0]);
    const tty = Boolean(r.Config.Tty);
    const opts = { stdin: queryBool(req.query, 'stdin'), stdout: queryBool(req.query, 'stdout'), stderr: queryBool(req.query, 'stderr') };
    const stream = hijack(req, res, RAW_STREAM, Number(req.raw.headers['content-length'] ?? 0) || 0);
    if (queryBool(req.query, 'logs')) await e.containers.logs(r.Id, { stdout: opts.stdout, stderr: opts.stderr, timestamps: false, follow: false }, (st, d) => stream.write(frame(tty, st, d)));
    // A stopped container may be attached too: output flows once it is started (docker start -a).
    if (!queryBool(req.query, 'stream', true) || ['removing', 'dead'].includes(r.State.Status)) { stream.end(); return; }
    const input = (): void => stream.onInput((b) => h.write(b), () => h.endStdin());
    // Before the start (docker run, start -a) the connection can go to the container's monitor.
    const beforeStart = !['running', 'paused'].includes(r.State.Status) && !queryBool(req.query, 'logs');
    const h = e.containers.attach(r.Id, {
      opts, onData: (st, d) => stream.write(...frameParts(tty, st, d)), drained: () => stream.drained(), onEnd: () => stream.end(),
      ...(beforeStart ? { takeover: () => stream.takeOver(), relayInput: input } : {}),
    });
    if (!beforeStart) input();
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
    if (tail !== undefined && !Number.isInteger(tail)) throw new InvalidError(`invalid value for "tail": ${tailRaw} is not a number or "all"`);
    const since = q.get('since');
    const until = q.get('until');
    const query = {
      stdout, stderr, timestamps: queryBool(q, 'timestamps'), follow: queryBool(q, 'follow'), tail: tail !== undefined && tail >= 0 ? tail : undefined,
      sinceNano: since && since !== '0' ? parseTimestamp(since, 'since') : undefined, untilNano: until && until !== '0' ? parseTimestamp(until, 'until') : undefined,
    };
    const tty = Boolean(r.Config.Tty);
    res.writeHead(200, { 'Content-Type': tty ? RAW_STREAM : MUX_STREAM });
    res.flushHeaders();
    await e.containers.logs(r.Id, query, (st, d) => { if (!res.writableEnded) res.write(frame(tty, st, d)); }, clientGone(res));
    res.end();
  });

  router.get('/containers/([^/]+)/stats', async (req, res) => {
    const e = await E();
    const r = e.containers.get(req.params[0]);
    const stream = queryBool(req.query, 'stream', true);
    const oneShot = queryBool(req.query, 'one-shot');
    if (oneShot && stream) throw new InvalidError('cannot have stream=true and one-shot=true');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    let sample: StatsSample = await e.containers.stats(r.Id);
    if (!stream) {
      // Without one-shot Docker waits one interval, so precpu_stats (and the CLI's CPU %) are real.
      if (!oneShot && sample.read !== '0001-01-01T00:00:00Z') {
        await new Promise((done) => setTimeout(done, STATS_INTERVAL_MS));
        sample = await e.containers.stats(r.Id, sample);
      }
      res.end(`${JSON.stringify(sample)}\n`);
      return;
    }
    let gone = false;
    void clientGone(res).then(() => { gone = true; });
    const stopped = e.containers.whenStopped(r.Id).then(() => true);
    for (;;) {
      if (gone) return;
      res.write(`${JSON.stringify(sample)}\n`);
      const ended = await Promise.race([stopped, new Promise<false>((done) => setTimeout(() => done(false), STATS_INTERVAL_MS))]);
      if (ended || gone) break;
      sample = await e.containers.stats(r.Id, sample);
    }
    res.end();
  });

  router.head('/containers/([^/]+)/archive', async (req, res) => {
    const stat = await (await E()).files.stat(req.params[0], req.query.get('path'));
    res.writeHead(200, { 'X-Docker-Container-Path-Stat': encodePathStat(stat), 'Content-Length': 0 });
    res.end();
  });
  router.get('/containers/([^/]+)/archive', async (req, res) => {
    const { stat, tar } = await (await E()).files.get(req.params[0], req.query.get('path'));
    res.writeHead(200, { 'Content-Type': 'application/x-tar', 'X-Docker-Container-Path-Stat': encodePathStat(stat) });
    await pipeline(tar, res).catch(() => res.destroy());
  });
  router.put('/containers/([^/]+)/archive', async (req, res) => {
    await (await E()).files.put(req.params[0], req.query.get('path'), req.raw, queryBool(req.query, 'noOverwriteDirNonDir'));
    res.writeHead(200, { 'Content-Length': 0 });
    res.end();
  });
  router.get('/containers/([^/]+)/export', async (req, res) => {
    discardBody(req.raw);
    const tar = await (await E()).files.export(req.params[0]);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await pipeline(tar, res).catch(() => res.destroy());
  });
}
