// What every Compose command shares: loading compose/ (lazily), the runner's engine over the extension's
// own dockerode client (so Compose works on whichever engine Berth drives), reading the project, and the
// runner's messages into the "Berth Compose" output and a progress notification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RegistryAuth } from '../../compose/credentials/registry-auth';
import type { ComposeEngine } from '../../compose/engine/engine';
import type { ComposeProject } from '../../compose/model/types';
import type { RunnerOutput } from '../../compose/runner/output';
import type { EngineCtx } from '../commands/command-context.js';
import { selectedNodes } from '../commands/command-context.js';
import { composeAddress, COMPOSE_FILE_GLOB, isComposeFileName, targetFromFile, type ComposeTarget } from './compose-target.js';

export type ComposeLib = typeof import('./compose-lib.js');

export interface ComposeSession {
  readonly lib: ComposeLib;
  readonly engine: ComposeEngine;
}

/** `e.ctx` (where there is one) gives the credentials; the task, which has only the connection, passes them itself. */
export async function composeSession(e: Pick<EngineCtx, 'docker' | 'connection'> & { ctx?: Pick<EngineCtx['ctx'], 'registryCredentials'> }, auth: RegistryAuth | undefined = e.ctx?.registryCredentials): Promise<ComposeSession> {
  const lib = await import('./compose-lib.js');
  // Pulls and builds carry the same credentials as the extension's own (Berth's logins, then the docker CLI's).
  return { lib, engine: new lib.DockerodeEngine(e.docker, composeAddress(e.connection.target), auth) };
}

/** A problem in the Compose files (as file:line), not a failed operation. */
export class ComposeFileProblem extends Error {}

/**
 * The project as docker compose would read it from `target`. Unsaved edits of its Compose files are
 * saved first: the containers record the files on disk, and what runs should be what the editor shows.
 * `labelsOnly`: a project group whose files are gone still has containers to stop, restart and remove.
 */
export async function readProject(lib: ComposeLib, target: ComposeTarget, opts: { labelsOnly?: boolean } = {}): Promise<ComposeProject> {
  await Promise.all(
    vscode.workspace.textDocuments
      .filter((d) => d.isDirty && isComposeFileName(d.fileName) && path.dirname(d.fileName) === target.workingDir)
      .map((d) => d.save()),
  );
  const r = lib.loadProject({
    files: target.files.length ? [...target.files] : undefined,
    projectName: target.projectName,
    profiles: target.profiles?.length ? [...target.profiles] : undefined,
    env: process.env,
    cwd: target.workingDir || process.cwd(),
  });
  if (r.ok) return r.project;
  if (opts.labelsOnly && target.projectName && r.problem.noFiles) {
    return { name: target.projectName, workingDir: target.workingDir, configFiles: [], services: {}, disabledServices: {}, networks: {}, volumes: {} };
  }
  throw new ComposeFileProblem(r.problem.message);
}

/** The runner's messages into the output channel (docker compose's plain lines) and the notification. */
export function composeOutput(channel: vscode.OutputChannel, progress?: vscode.Progress<{ message?: string }>): RunnerOutput {
  return {
    progress: (kind, name, state) => {
      channel.appendLine(` ${kind} ${name}  ${state}`);
      progress?.report({ message: `${kind} ${name} ${state.toLowerCase()}` });
    },
    warn: (m) => channel.appendLine(`WARN ${m}`),
    buildLog: (service, text) => {
      channel.append(text);
      const line = text.trim().split('\n').at(-1);
      if (line) progress?.report({ message: `building ${service}: ${line.slice(0, 80)}` });
    },
    pullLog: (service, text) => {
      channel.append(text);
      const line = text.trim().split('\n').at(-1);
      if (line) progress?.report({ message: `pulling ${service}: ${line.slice(0, 80)}` });
    },
  };
}

/**
 * The project a command was invoked on: a file (explorer, editor title: a Uri), a project group of the
 * Containers view (its containers' labels), or from the palette the active Compose editor, else a pick
 * of the workspace's Compose files.
 */
export async function chooseTarget(args: readonly unknown[], verb: string): Promise<ComposeTarget | undefined> {
  if (args[0] instanceof vscode.Uri) return targetFromFile(args[0].fsPath);
  const group = selectedNodes(args).find((n) => n.compose);
  if (group?.compose) return group.compose;
  const active = vscode.window.activeTextEditor?.document;
  if (active && (active.languageId === 'dockercompose' || isComposeFileName(active.fileName)) && active.uri.scheme === 'file') {
    return targetFromFile(active.fileName);
  }
  const found = await vscode.workspace.findFiles(COMPOSE_FILE_GLOB, '**/node_modules/**', 200);
  const files = found.filter((u) => isComposeFileName(u.fsPath));
  if (!files.length) {
    void vscode.window.showInformationMessage(`No Compose file (compose.yaml, docker-compose.yml, ...) in this workspace to ${verb}.`);
    return undefined;
  }
  if (files.length === 1) return targetFromFile(files[0].fsPath);
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })).sort((a, b) => a.label.localeCompare(b.label)),
    { placeHolder: `Compose file to ${verb}` },
  );
  return picked ? targetFromFile(picked.uri.fsPath) : undefined;
}

/** What a target is called in titles: the project name when known, else the file or folder. */
export function targetTitle(t: ComposeTarget): string {
  if (t.projectName) return t.projectName;
  return vscode.workspace.asRelativePath(t.files[0] ?? t.chosenFile ?? t.workingDir);
}

/** A failure as one message naming the project; the runner's own message names the service and container. */
export async function reportComposeFailure(channel: vscode.OutputChannel, doing: string, err: unknown): Promise<void> {
  const message = err instanceof Error ? err.message : String(err);
  channel.appendLine(`ERROR ${doing}: ${message}`);
  const where = err instanceof ComposeFileProblem ? `${message} (fix the Compose file and try again)` : message;
  const picked = await vscode.window.showErrorMessage(`Could not ${doing}: ${where}`, 'Show Output');
  if (picked === 'Show Output') channel.show(true);
}
