// Stop the selected containers (SIGTERM, then SIGKILL after the engine's grace period).
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';
import { ignoreNotModified } from './start-container.js';

export const stopContainer = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container to stop', many: true, filter: (c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused' });
  await forEachResource(list, (c) => `stop ${c.name}`, (c) => e.docker.getContainer(c.id).stop().catch(ignoreNotModified));
  e.ctx.views.refresh(['container']);
};
