// Open documents and their parse trees: each version is parsed on first use, and every feature of
// that version reads the same tree while it is kept. Only the trees of the documents used last are
// kept (TREES_KEPT): a tree is several times its text, and a client that opens many files (a
// workspace scan, another editor opening every Dockerfile) would otherwise keep them all, each
// copied by young-generation GCs before it is promoted (the heap after lsp-open-once's 405 opens:
// 34 MB with every tree, 23 MB with four, together with diagnostics.ts not holding trees while
// ShellCheck waits). A document used again after its tree went is parsed again, a fraction of a
// millisecond.
// Compose files share the open documents but are not Dockerfiles: `get` and `all` leave them to
// compose/compose-service.ts.
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DockerfileAst } from '../dockerfile/syntax/ast';
import { COMPOSE_LANGUAGE_ID } from './protocol';

export interface ParsedDocument {
  readonly uri: string;
  readonly version: number;
  readonly ast: DockerfileAst;
}

export type Parser = (text: string) => DockerfileAst;

/** Trees kept, for the documents used last: the few files someone edits at a time. */
export const TREES_KEPT = 4;

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly parsed = new Map<string, ParsedDocument>();

  constructor(private readonly parse: Parser, private readonly treesKept = TREES_KEPT) {
    this.documents.onDidClose((e) => this.parsed.delete(e.document.uri));
  }

  text(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  /** The parse of the document's current version; undefined when it is not open. */
  get(uri: string): ParsedDocument | undefined {
    const doc = this.documents.get(uri);
    if (!doc || doc.languageId === COMPOSE_LANGUAGE_ID) return undefined;
    const cached = this.parsed.get(uri);
    // Deleted and set again: the map's order is the order of use, oldest first.
    this.parsed.delete(uri);
    const p: ParsedDocument = cached && cached.version === doc.version ? cached : { uri, version: doc.version, ast: this.parse(doc.getText()) };
    this.parsed.set(uri, p);
    for (const oldest of this.parsed.keys()) {
      if (this.parsed.size <= this.treesKept) break;
      this.parsed.delete(oldest);
    }
    return p;
  }

  /** The open Dockerfiles. */
  all(): TextDocument[] {
    return this.documents.all().filter((d) => d.languageId !== COMPOSE_LANGUAGE_ID);
  }
}
