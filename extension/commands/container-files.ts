// Browse Files (a container's file system in the Container Files view) and Download (a file out of it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { containerFileUri, type FileNode } from '../files/container-files.js';
import { targets, type EngineCtx, type Handler } from './command-context.js';

export const browseFiles = (e: EngineCtx): Handler => async (...args) => {
  const [c] = await targets(e, 'container', args, { placeHolder: 'Container whose files to browse' });
  if (!c) return;
  e.ctx.containerFiles.show(c.id, c.name);
  await vscode.commands.executeCommand('berth.containerFiles.focus');
};

export const downloadFile = (ctx: Ctx): Handler => async (arg) => {
  const node = arg as FileNode | undefined;
  if (!node || node.kind !== 'file') return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ title: `Download ${node.path}`, defaultUri: folder ? vscode.Uri.joinPath(folder, path.posix.basename(node.path)) : undefined });
  if (!target) return;
  try {
    const bytes = await vscode.workspace.fs.readFile(containerFileUri(node.containerId, node.path));
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Downloaded ${node.path} to ${vscode.workspace.asRelativePath(target)}.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not download ${node.path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  void ctx;
};

export const refreshFiles = (ctx: Ctx): Handler => () => ctx.containerFiles.refresh();
