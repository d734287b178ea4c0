// Build Image: the Dockerfile's folder as context (tar made here, honouring .dockerignore), a tag that
// defaults to the folder name, the current step in a progress notification, the full log in the
// "Berth Build" output, and on failure a diagnostic on the failing line of the Dockerfile.
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { checkImageReference, defaultTag, failingLine, parseStep, type BuildStep } from '../build/dockerfile-steps.js';
import { readJsonMessages } from '../engine/json-messages.js';
import { DOCKERFILE_GLOB, isDockerfileDocument } from '../dockerfile-names.js';
import { userMessage } from '../errors.js';
import type { EngineCtx, Handler } from './command-context.js';

async function chooseDockerfile(args: readonly unknown[]): Promise<vscode.Uri | undefined> {
  if (args[0] instanceof vscode.Uri) return args[0];
  const active = vscode.window.activeTextEditor?.document;
  if (active && isDockerfileDocument(active)) return active.uri;
  const found = await vscode.workspace.findFiles(DOCKERFILE_GLOB, '**/node_modules/**', 200);
  if (found.length === 1) return found[0];
  if (!found.length) {
    void vscode.window.showInformationMessage('No Dockerfile in this workspace. Open a folder with a Dockerfile, or create one.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { placeHolder: 'Dockerfile to build' },
  );
  return picked?.uri;
}

export const buildImage = (e: EngineCtx): Handler => async (...args) => {
  const dockerfile = await chooseDockerfile(args);
  if (!dockerfile) return;
  const contextDir = path.dirname(dockerfile.fsPath);
  const tag = await vscode.window.showInputBox({
    title: `Build ${vscode.workspace.asRelativePath(dockerfile)}`,
    prompt: `Image name and tag (context: ${vscode.workspace.asRelativePath(contextDir) || contextDir})`,
    value: defaultTag(path.basename(contextDir)),
    validateInput: checkImageReference,
  });
  if (!tag) return;
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dockerfile.toString());
  if (doc?.isDirty) await doc.save();
  const source = doc?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(dockerfile)).toString('utf8');

  const log = e.ctx.buildLog;
  e.ctx.buildDiagnostics.delete(dockerfile);
  log.appendLine(`── Build ${tag} from ${dockerfile.fsPath} (context ${contextDir}) ──`);
  log.show(true);

  let lastStep: BuildStep | undefined;
  let imageId: string | undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${tag}`, cancellable: true },
      async (progress, token) => {
        // tar-stream loads on the first build, not at activation.
        const { packContext } = await import('../../compose/runner/build-context.js');
        const packed = packContext({ dir: contextDir, dockerfile: dockerfile.fsPath });
        packed.done.catch(() => undefined);
        // FROM may name any registry: send every known login (X-Registry-Config), as the docker CLI does.
        // docker-modem sends `base64` as it is; its own encoding is plain base64, which dockerd's
        // URL-alphabet decoder rejects, hence the pre-encoded value (dockerode's types omit this form).
        const registryconfig = (await e.ctx.registryCredentials.buildRegistryConfig()) as unknown as Dockerode.RegistryConfig;
        const stream = (await e.docker.buildImage(packed.stream as unknown as NodeJS.ReadableStream, {
          registryconfig,
          t: tag,
          dockerfile: packed.dockerfileInTar,
          rm: true,
          // A failed step's container is of no use in an editor, and piles up build after build.
          forcerm: true,
        })) as NodeJS.ReadableStream & { destroy?: () => void };
        token.onCancellationRequested(() => stream.destroy?.());
        let partial = '';
        await readJsonMessages(stream, (m) => {
          if (m.aux?.ID) imageId = m.aux.ID;
          const text = m.stream ?? (m.status ? `${m.id ? `${m.id}: ` : ''}${m.status}\n` : '');
          if (!text) return;
          log.append(text);
          partial += text;
          const lines = partial.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) {
            const step = parseStep(l);
            if (step) {
              lastStep = step;
              progress.report({ message: `Step ${step.n}/${step.total}: ${step.text.slice(0, 80)}` });
            }
            const built = /^Successfully built ([0-9a-f]+)/.exec(l.trim());
            if (built) imageId ??= built[1];
          }
        });
        if (token.isCancellationRequested) throw new vscode.CancellationError();
      },
    );
  } catch (err) {
    if (err instanceof vscode.CancellationError) {
      log.appendLine('── Build cancelled ──');
      return;
    }
    const message = userMessage(err, `build ${tag}`);
    log.appendLine(`── ${message} ──`);
    const line = failingLine(source, lastStep, message);
    const actions = ['Show Log'];
    if (line !== undefined) {
      const range = new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
      const diag = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
      diag.source = 'Berth build';
      e.ctx.buildDiagnostics.set(dockerfile, [diag]);
      actions.unshift(`Go to Line ${line + 1}`);
    }
    const picked = await vscode.window.showErrorMessage(message, ...actions);
    if (picked === 'Show Log') log.show();
    else if (picked && line !== undefined) {
      const editor = await vscode.window.showTextDocument(dockerfile);
      editor.selection = new vscode.Selection(line, 0, line, 0);
      editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    }
    return;
  }
  log.appendLine(`── Built ${tag}${imageId ? ` (${imageId.replace(/^sha256:/, '').slice(0, 12)})` : ''} ──`);
  e.ctx.views.refresh(['image']);
  const picked = await vscode.window.showInformationMessage(`Built ${tag}.`, 'Run', 'Run Interactive');
  const node = { id: `image:${tag}`, label: tag, icon: '', contextValue: 'image.tag', tooltip: () => '', resource: { kind: 'image' as const, id: imageId ?? tag, ref: tag, repoTags: [tag] } };
  if (picked === 'Run') await vscode.commands.executeCommand('berth.images.run', node);
  if (picked === 'Run Interactive') await vscode.commands.executeCommand('berth.images.runInteractive', node);
};
