// Reads one Compose file: YAML with source positions, YAML 1.1 merge keys (`<<: *defaults`, common in
// Compose files), and a syntax error reported at its line.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { ComposeError } from './problem';
import { relative, type ParsedFile } from './source-index';

export interface ReadFile extends ParsedFile {
  /** The document as plain data (a mapping for a valid Compose file). */
  readonly data: Record<string, unknown>;
}

export function readComposeFile(file: string, baseDir: string, text?: string): ReadFile {
  let source = text;
  if (source === undefined) {
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ComposeError(code === 'ENOENT' ? `${relative(baseDir, file)}: no such file` : `cannot read ${file}: ${(e as Error).message}`);
    }
  }
  return parseComposeText(source, file, baseDir);
}

/** The YAML document with every syntax error kept (an editor shows them all); never throws. */
export function parseComposeYaml(source: string): { doc: Document.Parsed; lines: LineCounter } {
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, merge: true, prettyErrors: false, uniqueKeys: true });
  return { doc, lines };
}

export function parseComposeText(source: string, file: string, baseDir: string): ReadFile {
  const { doc, lines } = parseComposeYaml(source);
  const err = doc.errors[0];
  if (err) {
    const { line, col } = lines.linePos(err.pos[0]);
    throw new ComposeError(`YAML syntax error: ${firstLine(err.message)}`, { file: relative(baseDir, file), line, col });
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ComposeError('a Compose file must be a mapping (services:, networks:, ...)', { file: relative(baseDir, file), line: 1, col: 1 });
  }
  return { path: file, doc, lines, data: data as Record<string, unknown> };
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
