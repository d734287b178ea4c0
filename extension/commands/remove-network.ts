// Remove Network (not the built-in bridge, host and none).
import * as vscode from 'vscode';
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';

export const removeNetwork = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'network', args, { placeHolder: 'Network to remove', many: true, filter: (n) => !n.builtin });
  if (!list.length) return;
  const what = list.length === 1 ? `network ${list[0].name}` : `${list.length} networks`;
  const answer = await vscode.window.showWarningMessage(`Remove ${what}?`, { modal: true }, 'Remove');
  if (answer !== 'Remove') return;
  await forEachResource(list, (n) => `remove network ${n.name}`, (n) => e.docker.getNetwork(n.id).remove());
  e.ctx.views.refresh(['network']);
};
