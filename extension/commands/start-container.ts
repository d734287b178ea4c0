// Start the selected containers.
import { isNotModified } from '../errors.js';
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';

export const startContainer = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container to start', many: true, filter: (c) => c.state !== 'running' });
  await forEachResource(list, (c) => `start ${c.name}`, (c) => e.docker.getContainer(c.id).start().catch(ignoreNotModified));
  e.ctx.views.refresh(['container']);
};

export function ignoreNotModified(err: unknown): void {
  if (!isNotModified(err)) throw err;
}
