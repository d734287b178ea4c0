// Read-only documents with an image's layer history (`berth-history:/<ref>.history?<id>`), re-read from the
// engine each time the command opens one.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { engineErrorMessage, UserError } from '../errors.js';
import { formatHistory, type HistoryEntry } from '../images/image-history.js';

export const HISTORY_SCHEME = 'berth-history';

export class HistoryDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();

  constructor(private readonly client: () => Dockerode | undefined) {}

  uriFor(ref: string, id: string): vscode.Uri {
    return vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${ref.replace(/[/\\:]/g, '_')}.history`, query: encodeURIComponent(`${id}\n${ref}`) });
  }

  /** Reads the history now (a failure is reported here, with the engine's words), then shows it. */
  async open(ref: string, id: string): Promise<void> {
    const uri = this.uriFor(ref, id);
    this.texts.set(uri.toString(), await this.read(ref, id));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const known = this.texts.get(uri.toString());
    if (known !== undefined) return known;
    const [id, ref] = decodeURIComponent(uri.query).split('\n');
    return this.read(ref ?? id, id);
  }

  async read(ref: string, id: string): Promise<string> {
    const docker = this.client();
    if (!docker) throw new UserError('Berth is not connected to an engine, so there is no image history to show.');
    try {
      const entries = (await docker.getImage(id).history()) as HistoryEntry[];
      return formatHistory(ref, entries, Date.now());
    } catch (err) {
      throw new UserError(engineErrorMessage(err, `read the history of ${ref}`));
    }
  }

  dispose(): void {
    this.texts.clear();
    this.changed.dispose();
  }
}
