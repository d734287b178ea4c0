// Pull: an image name from an input box, progress per layer in a notification.
import * as vscode from 'vscode';
import { checkImageReference } from '../image-build/dockerfile-steps.js';
import { readJsonMessages } from '../engine/json-messages.js';
import { transferSummary } from '../engine/transfer-progress.js';
import { showEngineError, type EngineCtx, type Handler } from './command-context.js';

export const pullImage = (e: EngineCtx): Handler => async (...args) => {
  const given = typeof args[0] === 'string' ? args[0] : undefined;
  const ref = given ?? (await vscode.window.showInputBox({ title: 'Pull Image', prompt: 'Image to pull', placeHolder: 'busybox:latest', validateInput: checkImageReference }));
  if (!ref) return;
  const name = ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pulling ${name}`, cancellable: true }, async (progress, token) => {
      const authconfig = await e.ctx.registryCredentials.pullPushAuth(name);
      const stream = (await e.docker.pull(name, { authconfig })) as NodeJS.ReadableStream & { destroy?: () => void };
      token.onCancellationRequested(() => stream.destroy?.());
      const summary = transferSummary();
      await readJsonMessages(stream, (m) => {
        const text = summary.update(m);
        if (text) progress.report({ message: text });
      });
    });
    e.ctx.views.refresh(['image']);
    void vscode.window.showInformationMessage(`Pulled ${name}.`);
  } catch (err) {
    showEngineError(err, `pull ${name}`);
  }
};
