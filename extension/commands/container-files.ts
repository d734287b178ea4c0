// The Container Files view's commands: Browse Files (a container's file system in the view), Download
// (a file out of it), Upload (files and folders into a folder: picked in a dialog, or dropped from the
// Explorer), New File, New Folder, Rename and Delete.
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

const fileNode = (arg: unknown): FileNode | undefined =>
  arg && typeof arg === 'object' && 'containerId' in arg && 'path' in arg ? (arg as FileNode) : undefined;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const downloadFile = (): Handler => async (arg) => {
  const node = fileNode(arg);
  if (!node || node.kind !== 'file') return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({ title: `Download ${node.path}`, defaultUri: folder ? vscode.Uri.joinPath(folder, path.posix.basename(node.path)) : undefined });
  if (!target) return;
  try {
    const bytes = await vscode.workspace.fs.readFile(containerFileUri(node.containerId, node.path));
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Downloaded ${node.path} to ${vscode.workspace.asRelativePath(target)}.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not download ${node.path}: ${message(err)}`);
  }
};

/** The folder a command or a drop on `node` means: the folder itself, a file's folder, or `/`. */
function folderOf(ctx: Ctx, node: FileNode | undefined): { id: string; dir: string } | undefined {
  const id = node?.containerId ?? ctx.containerFiles.container()?.id;
  if (!id) return undefined;
  if (!node || node.kind === 'message') return { id, dir: node?.path ?? '/' };
  if (node.kind === 'directory' || node.kind === 'symlink') return { id, dir: node.path };
  return { id, dir: path.posix.dirname(node.path) };
}

/** Local paths of what was picked or dropped: files of this machine (the extension host's). */
function localPaths(uris: readonly vscode.Uri[]): { paths: string[]; refused: string[] } {
  const paths: string[] = [];
  const refused: string[] = [];
  for (const u of uris) {
    // In a remote window (code-server, SSH) the Explorer's files are the extension host's, named vscode-remote.
    if (u.scheme === 'file' || u.scheme === 'vscode-remote') paths.push(u.scheme === 'file' ? u.fsPath : u.path);
    else refused.push(u.toString());
  }
  return { paths, refused };
}

/** Upload...: files or folders picked in a dialog (or given by a drop) into a container folder. */
export const uploadFiles = (ctx: Ctx): Handler => async (arg, dropped) => {
  const where = folderOf(ctx, fileNode(arg));
  if (!where) {
    void vscode.window.showInformationMessage('Browse a container\'s files first (Browse Files on a container), then upload into one of its folders.');
    return;
  }
  let uris = Array.isArray(dropped) ? (dropped as vscode.Uri[]) : undefined;
  uris ??= await vscode.window.showOpenDialog({
    title: `Upload into ${where.dir}`,
    openLabel: 'Upload',
    canSelectFiles: true,
    canSelectFolders: true,
    canSelectMany: true,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  if (!uris?.length) return;
  const { paths, refused } = localPaths(uris);
  if (refused.length) void vscode.window.showWarningMessage(`Berth uploads files of this machine only; not uploaded: ${refused.join(', ')}`);
  if (!paths.length) return;
  const taken: string[] = [];
  for (const p of paths) {
    const name = path.basename(p);
    const there = await vscode.workspace.fs.stat(containerFileUri(where.id, path.posix.join(where.dir, name))).then(() => true, () => false);
    if (there) taken.push(name);
  }
  if (taken.length) {
    const replace = await vscode.window.showWarningMessage(`${taken.join(', ')} already ${taken.length === 1 ? 'exists' : 'exist'} in ${where.dir}. Replace?`, { modal: true }, 'Replace');
    if (replace !== 'Replace') return;
  }
  try {
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Uploading into ${where.dir}` }, () => ctx.containerFiles.fs.upload(where.id, where.dir, paths));
    const skipped = result.skipped.length ? ` Skipped (not a file, folder or link): ${result.skipped.join(', ')}.` : '';
    void vscode.window.showInformationMessage(`Uploaded ${result.files} file${result.files === 1 ? '' : 's'}${result.folders ? ` in ${result.folders} folder${result.folders === 1 ? '' : 's'}` : ''} into ${where.dir}.${skipped}`);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not upload into ${where.dir}: ${message(err)}`);
  }
};

const NAME_CHECK = (v: string): string | undefined =>
  !v.trim() ? 'Give a name.' : v.includes('/') ? 'A name, without /.' : v === '.' || v === '..' ? 'Not . or ..' : undefined;

async function createIn(ctx: Ctx, arg: unknown, kind: 'file' | 'folder'): Promise<void> {
  const where = folderOf(ctx, fileNode(arg));
  if (!where) return;
  const name = await vscode.window.showInputBox({ title: `New ${kind === 'file' ? 'File' : 'Folder'} in ${where.dir}`, prompt: 'Name', validateInput: NAME_CHECK });
  if (!name) return;
  const uri = containerFileUri(where.id, path.posix.join(where.dir, name.trim()));
  try {
    if (kind === 'folder') await vscode.workspace.fs.createDirectory(uri);
    else {
      await ctx.containerFiles.fs.writeFile(uri, new Uint8Array(), { create: true, overwrite: false });
      await vscode.window.showTextDocument(uri, { preview: false });
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not create ${uri.path}: ${message(err)}`);
  }
}

export const newFile = (ctx: Ctx): Handler => (arg) => createIn(ctx, arg, 'file');
export const newFolder = (ctx: Ctx): Handler => (arg) => createIn(ctx, arg, 'folder');

export const deletePath = (ctx: Ctx): Handler => async (arg) => {
  const node = fileNode(arg);
  if (!node || node.kind === 'message') return;
  const folder = node.kind === 'directory';
  const sure = await vscode.window.showWarningMessage(`Delete ${node.path}${folder ? ' and everything in it' : ''} from the container? This cannot be undone.`, { modal: true }, 'Delete');
  if (sure !== 'Delete') return;
  try {
    await ctx.containerFiles.fs.delete(containerFileUri(node.containerId, node.path), { recursive: folder });
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not delete ${node.path}: ${message(err)}`);
  }
};

export const renamePath = (ctx: Ctx): Handler => async (arg) => {
  const node = fileNode(arg);
  if (!node || node.kind === 'message') return;
  const dir = path.posix.dirname(node.path);
  const base = path.posix.basename(node.path);
  const name = await vscode.window.showInputBox({ title: `Rename ${node.path}`, value: base, valueSelection: [0, base.lastIndexOf('.') > 0 ? base.lastIndexOf('.') : base.length], validateInput: NAME_CHECK });
  if (!name || name.trim() === base) return;
  const to = path.posix.join(dir, name.trim());
  try {
    await ctx.containerFiles.fs.rename(containerFileUri(node.containerId, node.path), containerFileUri(node.containerId, to), { overwrite: false });
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not rename ${node.path}: ${message(err)}`);
  }
};

export const refreshFiles = (ctx: Ctx): Handler => () => ctx.containerFiles.refresh();
