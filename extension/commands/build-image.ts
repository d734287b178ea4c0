// Build Image: a tag box (Enter builds with the options remembered for this Dockerfile; its gear
// button opens the options step), and Build Image with Options (the options step first). The current
// step shows in a progress notification, the full log in the "Berth Build" output, and on failure a
// diagnostic marks the failing line of the Dockerfile. How the build runs on each engine: run-build.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultOptions, summarize, type BuildOptions } from '../image-build/build-options.js';
import { contextDirOf, BuildCancelled, BuildFailure, runBuild, type BuildDeps } from '../image-build/run-build.js';
import { checkImageReference, defaultTag } from '../image-build/dockerfile-steps.js';
import { BuildOptionsMemory } from '../image-build/options-memory.js';
import { BuiltImages } from '../image-build/built-images.js';
import { targetAddress } from '../engine/engine-target.js';
import type { EngineConnection } from '../engine/engine-connection.js';
import type { Ctx } from '../ctx.js';
import { DOCKERFILE_GLOB, isDockerfileDocument } from '../dockerfile-names.js';
import { userMessage } from '../errors.js';
import { buildOptionsStep } from './build-options-step.js';
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

/** The Dockerfile's text as it will be built: an unsaved editor is saved first. */
export async function dockerfileSource(dockerfile: vscode.Uri): Promise<string> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === dockerfile.toString());
  if (doc?.isDirty) await doc.save();
  return doc?.getText() ?? Buffer.from(await vscode.workspace.fs.readFile(dockerfile)).toString('utf8');
}

/** What run-build needs from the connected engine and from Berth's settings and logins. */
export function buildDeps(ctx: Ctx, connection: EngineConnection, docker: EngineCtx['docker']): BuildDeps {
  const info = connection.status.state === 'running' ? connection.status.info : undefined;
  const target = connection.target;
  const creds = ctx.registryCredentials;
  return {
    docker,
    engine: {
      product: info?.product ?? 'Docker Engine',
      os: info?.os ?? '',
      dockerHost: target.kind === 'tcp' || target.kind === 'ssh' ? target.url : `unix://${targetAddress(target)}`,
    },
    dockerCli: vscode.workspace.getConfiguration('berth').get<string>('build.dockerCli', 'docker').trim() || 'docker',
    env: process.env,
    credentials: {
      berthLogins: async () => (await creds.berth.registries()).length,
      all: () => creds.all(),
      registryConfig: () => creds.buildRegistryConfig(),
      dockerConfigDir: path.dirname(creds.dockerConfig.file),
    },
  };
}

function memoryOf(ctx: Ctx): BuildOptionsMemory {
  return new BuildOptionsMemory(ctx.extension.workspaceState);
}

const memoryKey = (dockerfile: vscode.Uri): string => vscode.workspace.asRelativePath(dockerfile, true);

function startingOptions(ctx: Ctx, dockerfile: vscode.Uri): BuildOptions {
  const tag = defaultTag(path.basename(path.dirname(dockerfile.fsPath)));
  return memoryOf(ctx).get(memoryKey(dockerfile), tag) ?? defaultOptions(tag);
}

/** The tag box. Resolves with the options to build with, or undefined when the user backs out. */
function askTag(title: string, dockerfile: vscode.Uri, source: string, start: BuildOptions): Promise<BuildOptions | undefined> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    const optionsButton: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('settings-gear'), tooltip: 'Build Options (build args, target, secrets, no-cache...)' };
    const context = contextDirOf({ dockerfile: dockerfile.fsPath, source, options: start });
    const summary = summarize(start);
    box.title = title;
    box.value = start.tag;
    box.prompt = `Image name and tag (context: ${vscode.workspace.asRelativePath(context) || context}).${summary ? ` Options: ${summary}.` : ''} The gear button changes the build options.`;
    box.buttons = [optionsButton];
    box.ignoreFocusOut = true;
    let settled = false;
    const finish = (v: BuildOptions | undefined | Promise<BuildOptions | undefined>): void => {
      if (settled) return;
      settled = true;
      box.dispose();
      resolve(v);
    };
    box.onDidChangeValue((v) => (box.validationMessage = checkImageReference(v)));
    box.onDidAccept(() => {
      if (checkImageReference(box.value)) return;
      finish({ ...start, tag: box.value.trim() });
    });
    box.onDidTriggerButton(() => finish(buildOptionsStep(`${title}: options`, source, { ...start, tag: checkImageReference(box.value) ? start.tag : box.value.trim() })));
    box.onDidHide(() => finish(undefined));
    box.show();
  });
}

export const buildImage = (e: EngineCtx): Handler => async (...args) => {
  const dockerfile = await chooseDockerfile(args);
  if (!dockerfile) return;
  const source = await dockerfileSource(dockerfile);
  const options = await askTag(`Build ${vscode.workspace.asRelativePath(dockerfile)}`, dockerfile, source, startingOptions(e.ctx, dockerfile));
  if (options) await buildWithProgress(e, dockerfile, options);
};

export const buildImageWithOptions = (e: EngineCtx): Handler => async (...args) => {
  const dockerfile = await chooseDockerfile(args);
  if (!dockerfile) return;
  const source = await dockerfileSource(dockerfile);
  const options = await buildOptionsStep(`Build ${vscode.workspace.asRelativePath(dockerfile)}: options`, source, startingOptions(e.ctx, dockerfile));
  if (options) await buildWithProgress(e, dockerfile, options);
};

/** Builds with a progress notification; remembers the options; on failure marks the line and offers to go there. */
export async function buildWithProgress(e: EngineCtx, dockerfile: vscode.Uri, options: BuildOptions): Promise<void> {
  await memoryOf(e.ctx).set(memoryKey(dockerfile), options);
  const source = await dockerfileSource(dockerfile);
  const tag = options.tag;
  const log = e.ctx.buildLog;
  e.ctx.buildDiagnostics.delete(dockerfile);
  const contextDir = contextDirOf({ dockerfile: dockerfile.fsPath, source, options });
  log.appendLine(`── Build ${tag} from ${dockerfile.fsPath} (context ${contextDir}) ──`);
  log.show(true);
  let imageId: string | undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Building ${tag}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const result = await runBuild(buildDeps(e.ctx, e.connection, e.docker), { dockerfile: dockerfile.fsPath, source, options }, {
          text: (t) => log.append(t),
          step: (label) => progress.report({ message: label.slice(0, 90) }),
        }, abort.signal);
        imageId = result.imageId;
      },
    );
  } catch (err) {
    if (err instanceof BuildCancelled) {
      log.appendLine('── Build cancelled ──');
      return;
    }
    // The engine's (or BuildKit's) words with errors.ts's hint, such as how to log in after a 401.
    const message = userMessage(err instanceof BuildFailure ? err.engineError ?? new Error(err.message) : err, `build ${tag}`);
    log.appendLine(`── ${message} ──`);
    const line = err instanceof BuildFailure ? err.line : undefined;
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
  if (imageId) await new BuiltImages(e.ctx.extension.workspaceState).record(imageId, { dockerfile: dockerfile.fsPath, target: options.target });
  log.appendLine(`── Built ${tag}${imageId ? ` (${imageId.replace(/^sha256:/, '').slice(0, 12)})` : ''} ──`);
  e.ctx.views.refresh(['image']);
  const picked = await vscode.window.showInformationMessage(`Built ${tag}.`, 'Run', 'Run Interactive');
  const node = { id: `image:${tag}`, label: tag, icon: '', contextValue: 'image.tag', tooltip: () => '', resource: { kind: 'image' as const, id: imageId ?? tag, ref: tag, repoTags: [tag] } };
  if (picked === 'Run') await vscode.commands.executeCommand('berth.images.run', node);
  if (picked === 'Run Interactive') await vscode.commands.executeCommand('berth.images.runInteractive', node);
}
