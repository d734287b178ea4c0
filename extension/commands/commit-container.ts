// Commit: the selected container's files and config saved as a new image (`docker commit`), e.g. to
// keep what was set up by hand in a debugging session.
import * as vscode from 'vscode';
import { checkImageReference } from '../image-build/dockerfile-steps.js';
import { splitRepoTag } from '../views/image-nodes.js';
import { labelOf, showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

export const commitContainer = (e: EngineCtx): Handler => async (...args) => {
  const [c] = await targets(e, 'container', args, { placeHolder: 'Container to commit' });
  if (!c) return;
  const ref = await vscode.window.showInputBox({
    title: `Commit ${labelOf(c)} as an image`,
    prompt: 'Image name, e.g. myapp:debugged (a running container is paused while its files are read)',
    value: `${c.name}:latest`,
    validateInput: checkImageReference,
  });
  if (!ref) return;
  const [repo, tag] = splitRepoTag(ref.trim());
  try {
    const result = await e.docker.getContainer(c.id).commit({ repo, tag, pause: true }) as { Id?: string };
    e.ctx.views.refresh(['image']);
    void vscode.window.showInformationMessage(`Committed ${labelOf(c)} as ${ref.trim()}${result.Id ? ` (${result.Id.replace(/^sha256:/, '').slice(0, 12)})` : ''}.`);
  } catch (err) {
    showEngineError(err, `commit ${labelOf(c)} as ${ref.trim()}`);
  }
};
