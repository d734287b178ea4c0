// Open the engine's inspect JSON for the selected resources as read-only documents.
import type { ResourceKind } from '../engine/resource-events.js';
import type { ResourceRef } from '../views/view-node.js';
import { resourcesOf } from '../views/view-node.js';
import { selectedNodes, showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

/** One command per view, so the palette knows which kind to offer; from a tree it inspects what is selected. */
export const inspect = (kind: ResourceKind) => (e: EngineCtx): Handler => async (...args) => {
  const nodes = selectedNodes(args);
  const fromTree: ResourceRef[] = (['container', 'image', 'volume', 'network'] as const).flatMap((k) => resourcesOf(nodes, k));
  const list = fromTree.length ? fromTree : await targets(e, kind, args, { placeHolder: `${kind[0].toUpperCase()}${kind.slice(1)} to inspect` });
  for (const r of list.slice(0, 10)) {
    try {
      await e.ctx.inspectDocuments.open(r);
    } catch (err) {
      showEngineError(err, `inspect ${r.kind}`);
    }
  }
};
