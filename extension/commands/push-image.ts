// Push: the selected tag to its registry, progress per layer.
import * as vscode from 'vscode';
import { readJsonMessages } from '../engine/json-messages.js';
import { transferSummary } from '../engine/transfer-progress.js';
import { showEngineError, targets, type EngineCtx, type Handler } from './command-context.js';

export const pushImage = (e: EngineCtx): Handler => async (...args) => {
  const [img] = await targets(e, 'image', args, { placeHolder: 'Image to push', filter: (i) => Boolean(i.ref) });
  if (!img?.ref) return;
  const ref = img.ref;
  if (!ref.includes('/')) {
    const go = await vscode.window.showWarningMessage(
      `${ref} has no registry or user in its name, so it would go to Docker Hub's library, which needs special rights. Tag it with a registry first (e.g. localhost:5000/${ref}).`,
      'Tag…',
      'Push Anyway',
    );
    if (go === 'Tag…') return vscode.commands.executeCommand('berth.images.tag', ...args);
    if (go !== 'Push Anyway') return;
  }
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${ref}`, cancellable: true }, async (progress, token) => {
      // No engine remembers a login, so the credentials travel with the request (X-Registry-Auth).
      const authconfig = await e.ctx.registryCredentials.pullPushAuth(ref);
      const stream = (await e.docker.getImage(ref).push({ authconfig })) as NodeJS.ReadableStream & { destroy?: () => void };
      token.onCancellationRequested(() => stream.destroy?.());
      const summary = transferSummary();
      await readJsonMessages(stream, (m) => {
        const text = summary.update(m);
        if (text) progress.report({ message: text });
      });
    });
    void vscode.window.showInformationMessage(`Pushed ${ref}.`);
  } catch (err) {
    showEngineError(err, `push ${ref}`);
  }
};
