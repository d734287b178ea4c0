// Read-only documents with an image's layer history (`berth-history:/<ref>.history?<id>`), re-read from the
// engine each time the command opens one. For an image Berth built from a workspace Dockerfile, each layer's
// CREATED BY links to the Dockerfile line that made it (images/history-lines.ts).
import * as fs from 'node:fs';
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { engineErrorMessage, UserError } from '../errors.js';
import type { BuiltFrom } from '../image-build/built-images.js';
import { historyLines } from '../images/history-lines.js';
import { formatHistory, type HistoryEntry } from '../images/image-history.js';

interface RowLink {
  /** 0-based line of the document. */
  row: number;
  column: number;
  dockerfile: string;
  line: number;
}

/** Where the rows of formatHistory's table start, and where its CREATED BY column starts. */
const FIRST_ROW = 3;

export const HISTORY_SCHEME = 'berth-history';

export class HistoryDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly texts = new Map<string, string>();
  private readonly links = new Map<string, RowLink[]>();

  constructor(
    private readonly client: () => Dockerode | undefined,
    /** The workspace Dockerfile Berth built an image from, if it did. */
    private readonly builtFrom: (imageId: string) => BuiltFrom | undefined = () => undefined,
  ) {}

  uriFor(ref: string, id: string): vscode.Uri {
    return vscode.Uri.from({ scheme: HISTORY_SCHEME, path: `/${ref.replace(/[/\\:]/g, '_')}.history`, query: encodeURIComponent(`${id}\n${ref}`) });
  }

  /** Reads the history now (a failure is reported here, with the engine's words), then shows it. */
  async open(ref: string, id: string): Promise<void> {
    const uri = this.uriFor(ref, id);
    const { text, links } = await this.readWithLinks(ref, id);
    this.texts.set(uri.toString(), text);
    this.links.set(uri.toString(), links);
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
    return (await this.readWithLinks(ref, id)).text;
  }

  private async readWithLinks(ref: string, id: string): Promise<{ text: string; links: RowLink[] }> {
    const docker = this.client();
    if (!docker) throw new UserError('Berth is not connected to an engine, so there is no image history to show.');
    let entries: HistoryEntry[];
    try {
      entries = (await docker.getImage(id).history()) as HistoryEntry[];
    } catch (err) {
      throw new UserError(engineErrorMessage(err, `read the history of ${ref}`));
    }
    let text = formatHistory(ref, entries, Date.now());
    const from = entries[0] ? this.builtFrom(entries[0].Id) : undefined;
    if (!from) return { text, links: [] };
    let source: string;
    try {
      source = await fs.promises.readFile(from.dockerfile, 'utf8');
    } catch {
      return { text: `${text}Built by Berth from ${from.dockerfile}, which is gone: no links to its lines.\n`, links: [] };
    }
    const lines = text.split('\n');
    const column = Math.max(0, lines[FIRST_ROW - 1]?.indexOf('CREATED BY') ?? 0);
    const links: RowLink[] = [];
    historyLines(entries.map((e) => e.CreatedBy ?? ''), source, from.target).forEach((line, i) => {
      if (line !== undefined) links.push({ row: FIRST_ROW + i, column, dockerfile: from.dockerfile, line });
    });
    text += `Built by Berth from ${from.dockerfile}${from.target ? ` (stage ${from.target})` : ''}: ${links.length ? 'CREATED BY links to the line that made each layer.' : 'its lines no longer match these layers.'}\n`;
    return { text, links };
  }

  async provideDocumentLinks(doc: vscode.TextDocument): Promise<vscode.DocumentLink[]> {
    let links = this.links.get(doc.uri.toString());
    if (!links) {
      // A document VS Code kept from an earlier window, or under a differently encoded URI: read it again.
      const [id, ref] = decodeURIComponent(doc.uri.query).split('\n');
      links = (await this.readWithLinks(ref ?? id, id).catch(() => ({ links: [] as RowLink[] }))).links;
      this.links.set(doc.uri.toString(), links);
    }
    return links.filter((l) => l.row < doc.lineCount).map((l) => {
      const row = doc.lineAt(l.row);
      const link = new vscode.DocumentLink(
        new vscode.Range(l.row, Math.min(l.column, row.text.length), l.row, row.text.length),
        vscode.Uri.file(l.dockerfile).with({ fragment: `L${l.line + 1}` }),
      );
      link.tooltip = `Dockerfile line ${l.line + 1}`;
      return link;
    });
  }

  dispose(): void {
    this.texts.clear();
    this.links.clear();
    this.changed.dispose();
  }
}
