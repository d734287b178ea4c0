// Remove Image: untag the selected tags (the image goes when its last tag does), or remove dangling images.
import * as vscode from 'vscode';
import { forEachResource, labelOf, targets, type EngineCtx, type Handler } from './command-context.js';

export const removeImage = (e: EngineCtx): Handler => async (...args) => {
  const list = await targets(e, 'image', args, { placeHolder: 'Image to remove', many: true });
  if (!list.length) return;
  const what = list.length === 1 ? `image ${labelOf(list[0])}` : `${list.length} images`;
  const answer = await vscode.window.showWarningMessage(
    `Remove ${what}?`,
    { modal: true, detail: 'An image used by a container (even a stopped one) is kept unless you choose "Force Remove".' },
    'Remove',
    'Force Remove',
  );
  if (!answer) return;
  const force = answer === 'Force Remove';
  await forEachResource(list, (i) => `remove ${labelOf(i)}`, (i) => e.docker.getImage(i.ref ?? i.id).remove({ force }));
  e.ctx.views.refresh(['image']);
};
