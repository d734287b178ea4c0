// Show Stats: a live stats panel per selected running container (stats/stats-panel.ts).
import { targets, type EngineCtx, type Handler } from './command-context.js';

export const showStats = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container whose stats to show', filter: (c) => c.state === 'running' });
  for (const c of list.slice(0, 5)) e.ctx.statsPanels.show(e.docker, c.id, c.name);
};
