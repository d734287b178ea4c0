// Remove the selected containers after a confirmation; running ones only with "Force".
import * as vscode from 'vscode';
import { forEachResource, targets, type EngineCtx, type Handler } from './command-context.js';

export const removeContainer = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'container', args, { placeHolder: 'Container to remove', many: true });
  if (!list.length) return;
  const running = list.filter((c) => c.state === 'running' || c.state === 'restarting' || c.state === 'paused');
  const what = list.length === 1 ? `container "${list[0].name}"` : `${list.length} containers`;
  const detail = running.length
    ? `${running.length === list.length && list.length === 1 ? 'It is' : `${running.length} of them ${running.length === 1 ? 'is' : 'are'}`} running: "Force Remove" stops and removes.`
    : undefined;
  const buttons = running.length ? ['Force Remove'] : ['Remove', 'Force Remove'];
  const answer = await vscode.window.showWarningMessage(`Remove ${what}?`, { modal: true, detail }, ...buttons);
  if (!answer) return;
  const force = answer === 'Force Remove';
  await forEachResource(list, (c) => `remove ${c.name}`, (c) => e.docker.getContainer(c.id).remove({ force, v: false }));
  e.ctx.views.refresh(['container']);
};
