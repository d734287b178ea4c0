// Compose files in the language server: the open documents of language `dockercompose`, their
// diagnostics (at once on open, debounced on change; the project's other open files are checked again,
// since a name defined in one is used in another), and the features the server routes to them.
import { pathToFileURL } from 'node:url';
import type {
  CompletionItem, Diagnostic, DocumentHighlight, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, Position,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ErrorLog } from '../guard';
import { COMPOSE_LANGUAGE_ID } from '../protocol';
import { composeCompletion } from './compose-completion';
import { composeDiagnostics } from './compose-diagnostics';
import { ComposeDocuments, type ComposeDocument } from './compose-documents';
import { composeFolding } from './compose-folding';
import { composeHover } from './compose-hover';
import { composeLinks } from './compose-links';
import { composeDefinition, composeHighlights, composeReferences } from './compose-navigation';
import { composeSymbols } from './compose-symbols';
import { projectDocuments } from './project';

export interface ComposeServiceDeps {
  readonly texts: { get(uri: string): TextDocument | undefined; all(): readonly TextDocument[] };
  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void;
  readonly log: ErrorLog;
  readonly debounceMs: number;
  /** The environment `${VAR}` is read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  imageNames(): readonly string[];
}

/** Files a Compose file's diagnostics read from disk (beside itself), watched through the client. */
export const COMPOSE_WATCHED = ['**/{compose,docker-compose}*.{yaml,yml}', '**/.env', '**/*.env', '**/{Dockerfile,Containerfile}*', '**/*.{dockerfile,Dockerfile}'];

export function isComposeDocument(text: TextDocument | undefined): boolean {
  return text?.languageId === COMPOSE_LANGUAGE_ID;
}

export class ComposeService {
  private readonly documents: ComposeDocuments;
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: ComposeServiceDeps) {
    this.documents = new ComposeDocuments({ get: (uri) => { const t = deps.texts.get(uri); return isComposeDocument(t) ? t : undefined; } });
  }

  /** The parsed document when `uri` is an open Compose file. */
  get(uri: string): ComposeDocument | undefined {
    return this.documents.get(uri);
  }

  opened(uri: string): void {
    this.schedule(uri, 0);
  }

  changed(uri: string): void {
    this.schedule(uri, this.deps.debounceMs);
    for (const other of this.deps.texts.all()) {
      if (other.uri !== uri && isComposeDocument(other)) this.schedule(other.uri, this.deps.debounceMs * 4);
    }
  }

  /** Files on disk changed: check every open Compose file again. */
  refreshAll(): void {
    for (const t of this.deps.texts.all()) if (isComposeDocument(t)) this.schedule(t.uri, 0);
  }

  closed(uri: string): void {
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    this.documents.forget(uri);
    this.deps.publish(uri, undefined, []);
  }

  private schedule(uri: string, delay: number): void {
    const old = this.timers.get(uri);
    if (old) clearTimeout(old);
    const run = () => {
      this.timers.delete(uri);
      try {
        const d = this.get(uri);
        if (d) this.deps.publish(uri, d.version, composeDiagnostics(d, { env: this.deps.env, openText: (f) => this.openText(f) }));
      } catch (e) {
        this.deps.log.error(`berth: checking ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`);
        // Nothing stale stays on screen, and a client waiting for this version gets an answer.
        const text = this.deps.texts.get(uri);
        if (text) this.deps.publish(uri, text.version, []);
      }
    };
    if (delay <= 0) run();
    else this.timers.set(uri, setTimeout(run, delay));
  }

  private openText(file: string): string | undefined {
    return this.deps.texts.get(pathToFileURL(file).href)?.getText();
  }

  private project(d: ComposeDocument): () => readonly ComposeDocument[] {
    let cached: readonly ComposeDocument[] | undefined;
    return () => (cached ??= projectDocuments(d, (f) => this.openText(f)));
  }


  completion(d: ComposeDocument, pos: Position): CompletionItem[] {
    const project = this.project(d);
    return composeCompletion(d, pos, {
      imageNames: this.deps.imageNames(),
      names: (kind) => [d, ...project()].flatMap((x) => x.definitions).filter((x) => x.kind === kind).map((x) => x.name),
    });
  }

  hover(d: ComposeDocument, pos: Position): Hover | null {
    return composeHover(d, pos, this.project(d));
  }

  definition(d: ComposeDocument, pos: Position): Location | null {
    return composeDefinition(d, pos, this.project(d));
  }

  references(d: ComposeDocument, pos: Position, includeDeclaration: boolean): Location[] {
    return composeReferences(d, pos, includeDeclaration, this.project(d));
  }

  highlights(d: ComposeDocument, pos: Position): DocumentHighlight[] {
    return composeHighlights(d, pos);
  }

  symbols(d: ComposeDocument): DocumentSymbol[] {
    return composeSymbols(d);
  }

  links(d: ComposeDocument): DocumentLink[] {
    return composeLinks(d);
  }

  folding(d: ComposeDocument): FoldingRange[] {
    return composeFolding(d);
  }
}
