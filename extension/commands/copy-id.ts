// Copy the ids of the selected containers or images (one per line).
import * as vscode from 'vscode';
import { resourcesOf } from '../views/view-node.js';
import { selectedNodes, targets, type EngineCtx, type Handler } from './command-context.js';

export const copyId = (e: EngineCtx): Handler => async (...args) => {
  const nodes = selectedNodes(args);
  const images = resourcesOf(nodes, 'image');
  const ids = images.length
    ? images.map((i) => i.id)
    : (await targets(e, 'container', args, { placeHolder: 'Container whose id to copy' })).map((c) => c.id);
  if (!ids.length) return;
  await vscode.env.clipboard.writeText(ids.join('\n'));
  void vscode.window.setStatusBarMessage(`Copied ${ids.length === 1 ? ids[0].replace(/^sha256:/, '').slice(0, 12) : `${ids.length} ids`}`, 3000);
};
