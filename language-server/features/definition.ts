// Go to definition: a `$VAR` jumps to the ARG/ENV in effect there; a stage reference to its `AS name`.
import type { Location } from 'vscode-languageserver';
import type { DockerfileAst, Position } from '../../dockerfile/syntax/ast';
import { symbolAt } from '../symbol-at';
import { declarationOf } from '../variable-scope';

export function definition(ast: DockerfileAst, uri: string, pos: Position): Location | null {
  const sym = symbolAt(ast, pos);
  if (!sym) return null;
  if (sym.kind === 'stage') return sym.stage.name ? { uri, range: sym.stage.name.range } : null;
  if (sym.decl) return { uri, range: sym.decl.range };
  const decl = sym.ref && declarationOf(ast, sym.ref);
  return decl ? { uri, range: decl.range } : null;
}
