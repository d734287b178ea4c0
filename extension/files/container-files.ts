// Container Files: a file system (`berth-container://<container id>/path`) over the archive API, and
// the "Container Files" view that browses it for the container picked with Browse Files. Files open in
// editors and a save writes back through PUT /archive (mode and owner kept); new files and folders and
// uploads (the Upload command, or files dropped from the Explorer on a folder) go the same way, running
// or stopped; delete and rename run rm/mv through exec, so they need the container running. Download
// copies a file out. The archive code loads on first use.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import type { DirEntry } from './container-archive.js';
import type { UploadResult } from './container-upload.js';

export const CONTAINER_FILES_SCHEME = 'berth-container';

const archive = () => import('./container-archive.js');
const edits = () => import('./container-edits.js');

export function containerFileUri(id: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: CONTAINER_FILES_SCHEME, authority: id, path });
}

async function toFsError(err: unknown): Promise<Error> {
  if (err instanceof vscode.FileSystemError) return err;
  const { ContainerFileError } = await archive();
  if (err instanceof ContainerFileError) {
    switch (err.code) {
      case 'NotFound':
        return vscode.FileSystemError.FileNotFound(err.message);
      case 'Exists':
        return vscode.FileSystemError.FileExists(err.message);
      case 'NoPermissions':
      case 'Stopped':
        return vscode.FileSystemError.NoPermissions(err.message);
      default:
        return vscode.FileSystemError.Unavailable(err.message);
    }
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
      throw await toFsError(err);
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
      throw await toFsError(err);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const { readContainerFile } = await archive();
    try {
      return await readContainerFile(this.docker(), uri.authority, uri.path);
    } catch (err) {
      throw await toFsError(err);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async createDirectory(uri: vscode.Uri): Promise<void> {
    const { makeContainerDir } = await edits();
    try {
      await makeContainerDir(this.docker(), uri.authority, uri.path);
    } catch (err) {
      throw await toFsError(err);
    }
    this.emitter.fire([{ type: vscode.FileChangeType.Created, uri }]);
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    const { ContainerFileError, statPath, writeContainerFile } = await archive();
    const docker = this.docker();
    try {
      const exists = await statPath(docker, uri.authority, uri.path).then(
        (st) => {
          if (st.kind === 'directory') throw vscode.FileSystemError.FileIsADirectory(uri);
          return true;
        },
        (err: unknown) => {
          if (err instanceof ContainerFileError && err.code === 'NotFound' && !/container is gone/.test(err.message)) return false;
          throw err;
        },
      );
      if (!exists && !options.create) throw vscode.FileSystemError.FileNotFound(uri);
      if (exists && !options.overwrite) throw vscode.FileSystemError.FileExists(uri);
      await writeContainerFile(docker, uri.authority, uri.path, Buffer.from(content));
      this.emitter.fire([{ type: exists ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
    } catch (err) {
      throw await toFsError(err);
    }
  }

  async delete(uri: vscode.Uri, options: { recursive: boolean }): Promise<void> {
    const { removeContainerPath } = await edits();
    try {
      await removeContainerPath(this.docker(), uri.authority, uri.path, options.recursive);
    } catch (err) {
      throw await toFsError(err);
    }
    this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
  }

  async rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    if (oldUri.authority !== newUri.authority) throw vscode.FileSystemError.NoPermissions('Berth moves files within one container; download and upload to move them between containers.');
    const { renameContainerPath } = await edits();
    try {
      await renameContainerPath(this.docker(), oldUri.authority, oldUri.path, newUri.path, options.overwrite);
    } catch (err) {
      throw await toFsError(err);
    }
    this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri }]);
  }

  /** Local files and folders into the container folder `dir` (PUT /archive). */
  async upload(id: string, dir: string, localPaths: readonly string[]): Promise<UploadResult> {
    const { uploadToContainer } = await import('./container-upload.js');
    try {
      const result = await uploadToContainer(this.docker(), id, dir, localPaths);
      this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri: containerFileUri(id, dir) }]);
      return result;
    } catch (err) {
      throw await toFsError(err);
    }
  }
}

export interface FileNode {
  containerId: string;
  path: string;
  name: string;
  kind: 'file' | 'directory' | 'symlink' | 'message';
}

/**
 * The Container Files view: one container's file system, from `/`. Files and folders dropped from the
 * Explorer on a row are uploaded into that folder (a file's row: its folder).
 */
export class ContainerFilesView implements vscode.TreeDataProvider<FileNode>, vscode.TreeDragAndDropController<FileNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FileNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  readonly dropMimeTypes = ['text/uri-list'];
  readonly dragMimeTypes: string[] = [];
  private root: { id: string; name: string } | undefined;
  readonly view: vscode.TreeView<FileNode>;
  private readonly fsChanges: vscode.Disposable;

  constructor(readonly fs: ContainerFileSystem) {
    this.view = vscode.window.createTreeView('berth.containerFiles', { treeDataProvider: this, showCollapseAll: true, dragAndDropController: this });
    // What Berth itself changed (a save, upload, new folder, delete, rename) shows at once.
    this.fsChanges = fs.onDidChangeFile(() => this.refresh());
  }

  show(id: string, name: string): void {
    this.root = { id, name };
    this.view.description = name;
    void vscode.commands.executeCommand('setContext', 'berth.containerFiles.shown', true);
    this.changed.fire(undefined);
  }

  /** The container the view shows, if any. */
  container(): { id: string; name: string } | undefined {
    return this.root;
  }

  async handleDrop(target: FileNode | undefined, data: vscode.DataTransfer): Promise<void> {
    const list = await data.get('text/uri-list')?.asString();
    if (!list || !this.root) return;
    const uris = list.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => vscode.Uri.parse(l));
    if (!uris.length) return;
    const node: FileNode = target ?? { containerId: this.root.id, path: '/', name: '/', kind: 'directory' };
    await vscode.commands.executeCommand('berth.containerFiles.upload', node, uris);
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
      const entries = await this.fs.entries(containerFileUri(id, dir));
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
    this.fsChanges.dispose();
    this.view.dispose();
    this.changed.dispose();
  }
}
