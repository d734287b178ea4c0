// The value a variable declaration gives, with the variables it mentions expanded by BuildKit's
// rules (dockerfile/expansion) using the declarations in scope there. Variables nobody declares
// (base image ENV, --build-arg only) stay as written.
import { expandWord } from '../dockerfile/expansion/lexer';
import type { DockerfileAst } from '../dockerfile/syntax/ast';
import { valueOf, visibleDecls } from './variable-scope';
import type { VariableDecl } from './variable-refs';

const MAX_DEPTH = 32;

export function expandValue(ast: DockerfileAst, decl: VariableDecl): string | null {
  const memo = new Map<VariableDecl, string | null>();
  const expand = (d: VariableDecl, depth: number): string | null => {
    if (memo.has(d)) return memo.get(d)!;
    const { value, from } = valueOf(ast, d);
    if (value === null) return null;
    if (depth > MAX_DEPTH) return value;
    memo.set(d, value); // a self-reference expands to the written text, not forever
    const scope = visibleDecls(ast, (from ?? d).instruction);
    const lookup = (name: string): string | undefined => {
      const list = scope.get(name);
      if (!list) return undefined;
      return expand(list[list.length - 1], depth + 1) ?? '';
    };
    const r = expandWord(value, lookup, ast.escapeChar, { skipUnset: true });
    const out = r.ok ? r.value : value;
    memo.set(d, out);
    return out;
  };
  return expand(decl, 0);
}
