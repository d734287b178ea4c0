// POST /commit: a container's changes as a new image (`docker commit`).
import type { Services } from '../../daemon/services.js';
import { ContainerCommitter } from '../../containers/container-commit.js';
import type { ContainerEngine } from '../../daemon/container-stack.js';
import { InvalidError } from '../../errdefs.js';
import { readJsonBody } from '../body.js';
import { queryBool } from '../query.js';
import { sendJson } from '../respond.js';
import { ENGINE_VERSION } from '../server.js';
import type { Router } from '../router.js';

export function registerCommitRoute(router: Router, s: Services, E: () => Promise<ContainerEngine>): void {
  router.post('/commit', async (req, res) => {
    const q = req.query;
    const container = q.get('container');
    if (!container) throw new InvalidError('the "container" query parameter is required');
    // The CLI sends "null" when no config is given; dockerode may send a container config.
    const body = await readJsonBody(req.raw);
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) throw new InvalidError('malformed request body: expected a container config object');
    const e = await E();
    const committer = new ContainerCommitter({
      containers: e.containers, images: s.images, layers: s.layers, engineVersion: ENGINE_VERSION, rootless: s.mode.rootless !== undefined, marks: e.snapshotter.markXattrs,
      publish: (action, id, attrs) => s.events.emit('container', action, id, attrs),
    });
    const result = await committer.commit({
      container,
      repo: q.get('repo') || undefined,
      tag: q.get('tag') || undefined,
      comment: q.get('comment') || undefined,
      author: q.get('author') || undefined,
      pause: queryBool(q, 'pause', true),
      changes: q.getAll('changes'),
      ...(body ? { config: body as Record<string, unknown> } : {}),
    });
    sendJson(res, 201, result);
  });
}
