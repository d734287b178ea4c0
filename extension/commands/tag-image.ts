// Tag: one more name for the selected image.
import * as vscode from 'vscode';
import { checkImageReference } from '../image-build/dockerfile-steps.js';
import { splitRepoTag } from '../views/image-nodes.js';
import { labelOf, showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

export const tagImage = (e: EngineCtx): Handler => async (...args) => {
  const [img] = await targets(e, 'image', args, { placeHolder: 'Image to tag' });
  if (!img) return;
  const newRef = await vscode.window.showInputBox({
    title: `Tag ${labelOf(img)}`,
    prompt: 'New name, e.g. registry.example.com/team/app:1.0',
    value: img.ref ?? '',
    validateInput: checkImageReference,
  });
  if (!newRef) return;
  const [repo, tag] = splitRepoTag(newRef.trim());
  try {
    await e.docker.getImage(img.id).tag({ repo, tag });
    e.ctx.views.refresh(['image']);
  } catch (err) {
    showEngineError(err, `tag ${labelOf(img)} as ${newRef}`);
  }
};
