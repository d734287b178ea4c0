// Container Files: a file system (`berth-container://<container id>/path`) over the archive API, and
// the "Container Files" view that browses it for the container picked with Browse Files. Files open in
// editors and a save writes back through PUT /archive (mode and owner kept); Download copies one out.
// Creating, deleting and renaming are not offered. The archive code loads on first use.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { DirEntry } from './container-archive.js';

export const CONTAINER_FILES_SCHEME = 'berth-container';

const archive = () => import('./container-archive.js');

export function containerFileUri(id: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_FILES_SCHEME, authority: id, path });
}

async function toFsError(err: unknown, uri: vscode.Uri): Promise<Error> {
  const { ContainerFileError } = await archive();
  if (err instanceof ContainerFileError) {
    if (err.code === 'NotFound') return vscode.FileSystemError.FileNotFound(uri);
    return vscode.FileSystemError.Unavailable(err.message);
  }
  return vscode.FileSystemError.Unavailable(err instanceof Error ? err.message : String(err));
}

export class ContainerFileSystem implements vscode.FileSystemProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly client: () => Dockerode | undefined) {}

  private docker(): Dockerode {
    const d = this.client();
    if (!d) throw vscode.FileSystemError.Unavailable('Berth is not connected to an engine.');
    return d;
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const { statPath } = await archive();
    try {
      const st = await statPath(this.docker(), uri.authority, uri.path || '/');
      const type = st.kind === 'directory' ? vscode.FileType.Directory : st.kind === 'symlink' ? vscode.FileType.File | vscode.FileType.SymbolicLink : vscode.FileType.File;
      return { type, ctime: st.mtime, mtime: st.mtime, size: st.size };
    } catch (err) {
      throw await toFsError(err, uri);
    }
  }

  async readDirectory(uri: vscode.Uri): Promise<[string, vscode.FileType][]> {
    return (await this.entries(uri)).map((e) => [e.name, e.kind === 'directory' ? vscode.FileType.Directory : e.kind === 'symlink' ? vscode.FileType.SymbolicLink : vscode.FileType.File]);
  }

  async entries(uri: vscode.Uri): Promise<DirEntry[]> {
    const { listContainerDir } = await archive();
    const docker = this.docker();
    try {
      const running = await docker.getContainer(uri.authority).inspect().then((i) => i.State.Running, () => false);
      return await listContainerDir(docker, uri.authority, uri.path || '/', running);
    } catch (err) {
      throw await toFsError(err, uri);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { readContainerFile } = await archive();
    try {
      return await readContainerFile(this.docker(), uri.authority, uri.path);
    } catch (err) {
      throw await toFsError(err, uri);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  private readOnly(): never {
    throw vscode.FileSystemError.NoPermissions('Berth edits existing files inside a container; create, delete or rename them from a shell in the container.');
  }

  createDirectory(): void {
    this.readOnly();
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const { statPath, writeContainerFile } = await archive();
    const docker = this.docker();
    const exists = await statPath(docker, uri.authority, uri.path).then(() => true, () => false);
    if (!exists && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
    if (exists && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
    try {
      await writeContainerFile(docker, uri.authority, uri.path, Buffer.from(content));
    } catch (err) {
      throw await toFsError(err, uri);
    }
    this.emitter.fire([{ type: exists ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
  }

  delete(): void {
    this.readOnly();
  }

  rename(): void {
    this.readOnly();
  }
}

export interface FileNode {
  containerId: string;
  path: string;
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'message';
}

/** The Container Files view: one container's file system, from `/`. */
export class ContainerFilesView implements vscode.TreeDataProvider<FileNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FileNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private root: { id: string; name: string } | undefined;
  readonly view: vscode.TreeView<FileNode>;

  constructor(private readonly fsProvider: ContainerFileSystem) {
    this.view = vscode.window.createTreeView('berth.containerFiles', { treeDataProvider: this, showCollapseAll: true });
  }

  show(id: string, name: string): void {
    this.root = { id, name };
    this.view.description = name;
    this.changed.fire(undefined);
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(node?: FileNode): Promise<FileNode[]> {
    if (!this.root) return [];
    const id = this.root.id;
    // A symlink is listed through its target (`ls link/`); one to a file says it is not a folder.
    const dir = node ? (node.kind === 'symlink' ? `${node.path}/` : node.path) : '/';
    if (node && node.kind !== 'directory' && node.kind !== 'symlink') return [];
    try {
      const entries = await this.fsProvider.entries(containerFileUri(id, dir));
      return entries.map((e) => ({ containerId: id, path: `${dir.replace(/\/+$/, '')}/${e.name}`, name: e.name, kind: e.kind }));
    } catch (err) {
      return [{ containerId: id, path: dir, name: err instanceof Error ? err.message : String(err), kind: 'message' }];
    }
  }

  getTreeItem(node: FileNode): vscode.TreeItem {
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.name);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const uri = containerFileUri(node.containerId, node.path);
    const folder = node.kind === 'directory';
    const item = new vscode.TreeItem(uri, folder || node.kind === 'symlink' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `${node.containerId}:${node.path}`;
    item.label = node.name;
    item.description = node.kind === 'symlink' ? 'link' : undefined;
    item.iconPath = folder ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
    item.contextValue = folder ? 'containerFolder' : 'containerFile';
    if (!folder && node.kind === 'file') item.command = { command: 'vscode.open', title: 'Open', arguments: [uri, { preview: true }] };
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}
