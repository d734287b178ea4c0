// What name the cursor is on: a variable (declared by ARG/ENV or mentioned with `$`) or a stage
// (its `AS name`, or a FROM / --from / mount from= naming it). Definition, references, rename and
// highlight all start from here, and all use `occurrences` so they agree.
import type { DockerfileAst, Instruction, Position, Range, Stage } from '../dockerfile/syntax/ast';
import { contains } from './positions';
import { stageReferences } from './stages';
import { variableDecls, variableRefs, type VariableDecl, type VariableRef } from './variable-refs';

export type SymbolAt =
  | { readonly kind: 'variable'; readonly name: string; readonly range: Range; readonly ref: VariableRef | null; readonly decl: VariableDecl | null }
  | { readonly kind: 'stage'; readonly stage: Stage; readonly range: Range };

export function instructionAt(ast: DockerfileAst, pos: Position): Instruction | null {
  // Binary search: instructions are in file order and do not overlap.
  const list = ast.instructions;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const ins = list[mid];
    if (pos.line < ins.startLine) hi = mid - 1;
    else if (pos.line > ins.endLine) lo = mid + 1;
    else return ins;
  }
  return null;
}

export function symbolAt(ast: DockerfileAst, pos: Position): SymbolAt | null {
  const ins = instructionAt(ast, pos);
  if (!ins) return null;
  for (const stage of ast.stages) {
    if (stage.name && contains(stage.name.range, pos)) return { kind: 'stage', stage, range: stage.name.range };
  }
  for (const ref of stageReferences(ast)) {
    if (ref.stage && contains(ref.token.range, pos)) return { kind: 'stage', stage: ref.stage, range: ref.token.range };
  }
  for (const d of variableDecls(ins.onbuild ?? ins)) {
    if (contains(d.range, pos)) return { kind: 'variable', name: d.name, range: d.range, ref: null, decl: d };
  }
  for (const r of variableRefs(ast, ins)) {
    if (contains(r.fullRange, pos)) return { kind: 'variable', name: r.name, range: r.range, ref: r, decl: null };
  }
  return null;
}

export interface Occurrence {
  readonly range: Range;
  /** Declaration (`AS name`, `ARG NAME`, `ENV NAME=`) rather than a use. */
  readonly declaration: boolean;
  /** A stage named by its index (`--from=0`): a reference, but not text a rename changes. */
  readonly byIndex?: true;
}

/** Every place the symbol's name stands for it. Variables are matched by name across the file
 *  (ARG in a stage re-imports the global one, ENV carries into child stages: renaming one place
 *  alone would change what the build does). */
export function occurrences(ast: DockerfileAst, sym: SymbolAt): Occurrence[] {
  const out: Occurrence[] = [];
  if (sym.kind === 'stage') {
    if (sym.stage.name) out.push({ range: sym.stage.name.range, declaration: true });
    for (const ref of stageReferences(ast)) {
      if (ref.stage !== sym.stage) continue;
      out.push(/^\d+$/.test(ref.token.value) ? { range: ref.token.range, declaration: false, byIndex: true } : { range: ref.token.range, declaration: false });
    }
    return out;
  }
  for (const ins of ast.instructions) {
    for (const d of variableDecls(ins.onbuild ?? ins)) if (d.name === sym.name) out.push({ range: d.range, declaration: true });
    for (const r of variableRefs(ast, ins)) if (r.name === sym.name) out.push({ range: r.range, declaration: false });
  }
  return out;
}
