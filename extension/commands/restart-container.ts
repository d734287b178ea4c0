// Restart the selected containers.
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';

export const restartContainer = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container to restart', many: true });
  await forEachResource(list, (c) => `restart ${c.name}`, (c) => e.docker.getContainer(c.id).restart());
  e.ctx.views.refresh(['container']);
};
