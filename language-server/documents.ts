// Open documents and their parse trees: each version is parsed once, on first use, and every
// feature of that version reads the same tree. Compose files share the open documents but are not
// Dockerfiles: `get` and `all` leave them to compose/compose-service.ts.
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

export class DocumentStore {
  readonly documents = new TextDocuments(TextDocument);
  private readonly parsed = new Map<string, ParsedDocument>();

  constructor(private readonly parse: Parser) {
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
    if (cached && cached.version === doc.version) return cached;
    const p: ParsedDocument = { uri, version: doc.version, ast: this.parse(doc.getText()) };
    this.parsed.set(uri, p);
    return p;
  }

  /** The open Dockerfiles. */
  all(): TextDocument[] {
    return this.documents.all().filter((d) => d.languageId !== COMPOSE_LANGUAGE_ID);
  }
}
