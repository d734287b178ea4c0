// Image routes. Names may contain slashes and arrive unencoded, hence the greedy `(.+)` captures.
import { InvalidError } from '../../errdefs.js';
import type { Services } from '../../daemon/services.js';
import { readJsonBody } from '../body.js';
import { JsonMessageStream } from '../json-message-stream.js';
import { parseFilters, queryBool } from '../query.js';
import { sendEmpty, sendJson } from '../respond.js';
import type { Router } from '../router.js';
import { decodeRegistryAuth, parsePlatform } from './registry-params.js';

export function registerImageRoutes(router: Router, s: Services): void {
  router.get('/images/json', (req, res) => {
    sendJson(res, 200, s.images.list({ all: queryBool(req.query, 'all'), filters: parseFilters(req.query.get('filters')) }));
  });

  router.post('/images/prune', async (req, res) => {
    sendJson(res, 200, await s.images.prune(parseFilters(req.query.get('filters'))));
  });

  router.post('/images/load', async (req, res) => {
    await s.transfers.load(req.raw, new JsonMessageStream(res), { quiet: queryBool(req.query, 'quiet') });
  });

  router.get('/images/get', async (req, res) => {
    const names = req.query.getAll('names').flatMap((n) => n.split(',')).filter(Boolean);
    if (!names.length) throw new InvalidError('no image names given: use /images/get?names=NAME');
    await s.transfers.save(names, res);
  });

  router.post('/images/create', async (req, res) => {
    const q = req.query;
    const fromImage = q.get('fromImage');
    const fromSrc = q.get('fromSrc');
    if (fromImage) {
      // dockerode repeats the options as a JSON body; the query is what counts, but bad JSON is still a 400.
      await readJsonBody(req.raw);
      await s.transfers.pull({
        image: fromImage,
        tag: q.get('tag') ?? undefined,
        platform: parsePlatform(q.get('platform')),
        credentials: decodeRegistryAuth(req.raw.headers['x-registry-auth']),
      }, new JsonMessageStream(res));
      return;
    }
    if (fromSrc) {
      if (fromSrc !== '-') {
        throw new InvalidError('importing from a URL is not supported; pass the file on stdin: docker import - < rootfs.tar');
      }
      const out = new JsonMessageStream(res);
      const entry = await s.transfers.importRootfs(req.raw, {
        repo: q.get('repo') || undefined,
        tag: q.get('tag') || undefined,
        changes: q.getAll('changes'),
        message: q.get('message') || undefined,
        platform: parsePlatform(q.get('platform')),
      });
      out.write({ status: entry.id });
      out.end();
      return;
    }
    throw new InvalidError('POST /images/create needs fromImage (pull) or fromSrc (import)');
  });

  router.get('/images/(.+)/json', (req, res) => sendJson(res, 200, s.images.inspect(req.params[0])));
  router.get('/images/(.+)/history', (req, res) => sendJson(res, 200, s.images.history(req.params[0])));
  router.get('/images/(.+)/get', async (req, res) => s.transfers.save([req.params[0]], res));

  router.post('/images/(.+)/tag', async (req, res) => {
    const repo = req.query.get('repo');
    if (!repo) throw new InvalidError('repo is required: POST /images/NAME/tag?repo=REPO&tag=TAG');
    await s.images.tag(req.params[0], repo, req.query.get('tag') || undefined);
    sendEmpty(res, 201);
  });

  router.post('/images/(.+)/push', async (req, res) => {
    await s.transfers.push({
      name: req.params[0],
      tag: req.query.get('tag') || undefined,
      credentials: decodeRegistryAuth(req.raw.headers['x-registry-auth']),
    }, new JsonMessageStream(res));
  });

  router.delete('/images/(.+)', async (req, res) => {
    const records = await s.images.remove(req.params[0], {
      force: queryBool(req.query, 'force'),
      noprune: queryBool(req.query, 'noprune'),
    });
    sendJson(res, 200, records);
  });
}
