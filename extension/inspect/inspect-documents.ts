// Read-only JSON documents with the engine's inspect output, one per resource.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { engineErrorMessage, UserError } from '../errors.js';
import type { ResourceRef } from '../views/view-node.js';
import { INSPECT_SCHEME, inspectPath, parseInspectPath } from './inspect-uri.js';

export { INSPECT_SCHEME };

export class InspectDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  /** Text read by open(), so a failure surfaces there (with our message) rather than inside openTextDocument. */
  private readonly texts = new Map<string, string>();

  constructor(private readonly client: () => Dockerode | undefined) {}

  uriFor(r: ResourceRef): vscode.Uri {
    const { path, query } = inspectPath(r);
    return vscode.Uri.from({ scheme: INSPECT_SCHEME, path, query: encodeURIComponent(query) });
  }

  /** Opens (or re-reads, when already open) the document for a resource. */
  async open(r: ResourceRef): Promise<void> {
    const uri = this.uriFor(r);
    this.texts.set(uri.toString(), await this.read(uri));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    return this.texts.get(uri.toString()) ?? this.read(uri);
  }

  private async read(uri: vscode.Uri): Promise<string> {
    const target = parseInspectPath(uri.path, uri.query);
    if (!target) throw new UserError(`Not an inspect address: ${uri.toString()}`);
    const docker = this.client();
    if (!docker) throw new UserError('Berth is not connected to an engine, so there is nothing to inspect.');
    try {
      const data = await inspect(docker, target.kind, target.id);
      return JSON.stringify(data, null, 2) + '\n';
    } catch (err) {
      throw new UserError(engineErrorMessage(err, `inspect ${target.kind} ${target.id.slice(0, 24)}`));
    }
  }

  dispose(): void {
    this.texts.clear();
    this.changed.dispose();
  }
}

function inspect(docker: Dockerode, kind: ResourceRef['kind'], id: string): Promise<unknown> {
  switch (kind) {
    case 'container':
      return docker.getContainer(id).inspect();
    case 'image':
      return docker.getImage(id).inspect();
    case 'volume':
      return docker.getVolume(id).inspect();
    case 'network':
      return docker.getNetwork(id).inspect();
  }
}
