// Find references and document highlight for ARG/ENV variables and stage names.
import { DocumentHighlightKind, type DocumentHighlight, type Location } from 'vscode-languageserver';
import type { DockerfileAst, Position } from '../../dockerfile/syntax/ast';
import { occurrences, symbolAt } from '../symbol-at';

export function references(ast: DockerfileAst, uri: string, pos: Position, includeDeclaration: boolean): Location[] {
  const sym = symbolAt(ast, pos);
  if (!sym) return [];
  return occurrences(ast, sym).filter((o) => includeDeclaration || !o.declaration).map((o) => ({ uri, range: o.range }));
}

export function documentHighlights(ast: DockerfileAst, pos: Position): DocumentHighlight[] {
  const sym = symbolAt(ast, pos);
  if (!sym) return [];
  return occurrences(ast, sym).map((o) => ({ range: o.range, kind: o.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}
