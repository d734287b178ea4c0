// Remove Volume (confirm: the data in it is gone for good).
import * as vscode from 'vscode';
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';

export const removeVolume = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'volume', args, { placeHolder: 'Volume to remove', many: true });
  if (!list.length) return;
  const what = list.length === 1 ? `volume ${list[0].name}` : `${list.length} volumes`;
  const answer = await vscode.window.showWarningMessage(`Remove ${what}?`, { modal: true, detail: 'Its data is deleted and cannot be recovered.' }, 'Remove');
  if (answer !== 'Remove') return;
  await forEachResource(list, (v) => `remove volume ${v.name}`, (v) => e.docker.getVolume(v.name).remove());
  e.ctx.views.refresh(['volume']);
};
