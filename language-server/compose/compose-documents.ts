// Open Compose files, parsed once per version (YAML with positions, every syntax error kept), with the
// names they define and mention.
import { fileURLToPath } from 'node:url';
import type { Document } from 'yaml';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseComposeYaml } from '../../compose/model/read-file';
import { definitions, references, type Definition, type Reference } from './names';

export interface ComposeDocument {
  readonly uri: string;
  readonly version: number;
  readonly text: TextDocument;
  /** The file's path for a file: URI (relative paths in it resolve against its folder), else undefined. */
  readonly file: string | undefined;
  readonly doc: Document.Parsed;
  readonly definitions: readonly Definition[];
  readonly references: readonly Reference[];
}

export function filePathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

export function parseCompose(text: TextDocument): ComposeDocument {
  const { doc } = parseComposeYaml(text.getText());
  return {
    uri: text.uri,
    version: text.version,
    text,
    file: filePathOf(text.uri),
    doc,
    definitions: definitions(doc),
    references: references(doc),
  };
}

/** A file that is not open, read from disk, as a document (ranges in it need its text). */
export function composeFromText(uri: string, source: string): ComposeDocument {
  return parseCompose(TextDocument.create(uri, 'dockercompose', 0, source));
}

export class ComposeDocuments {
  private readonly parsed = new Map<string, ComposeDocument>();

  constructor(private readonly texts: { get(uri: string): TextDocument | undefined }) {}

  get(uri: string): ComposeDocument | undefined {
    const text = this.texts.get(uri);
    if (!text) return undefined;
    const cached = this.parsed.get(uri);
    if (cached && cached.version === text.version) return cached;
    const p = parseCompose(text);
    this.parsed.set(uri, p);
    return p;
  }

  forget(uri: string): void {
    this.parsed.delete(uri);
  }
}
