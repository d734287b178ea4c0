// Which ARG/ENV declarations an instruction sees, by BuildKit's scoping: FROM lines see the global
// ARGs before them; inside a stage, the stage's own ARG/ENV before the instruction plus the ENV of
// the stages it is built on (`FROM build AS test`). A stage's `ARG NAME` without default takes the
// global ARG's default.
import type { DockerfileAst, Instruction, Stage } from '../dockerfile/syntax/ast';
import { resolveStage } from './stages';
import { variableDecls, type VariableDecl, type VariableRef } from './variable-refs';

/** Stages a stage builds on, nearest first (cycles cut). */
function ancestors(ast: DockerfileAst, stage: Stage): Stage[] {
  const out: Stage[] = [];
  const seen = new Set<number>([stage.index]);
  let cur: Stage | null = stage;
  while (cur?.base) {
    const parent = resolveStage(ast, cur.base.value, cur.index, 'from');
    if (!parent || seen.has(parent.index)) break;
    seen.add(parent.index);
    out.push(parent);
    cur = parent;
  }
  return out;
}

function isFrom(ast: DockerfileAst, ins: Instruction): boolean {
  return ins.keyword === 'FROM' && ast.stages[ins.stageIndex]?.from === ins;
}

function before(a: Instruction, b: Instruction): boolean {
  return a.startLine < b.startLine;
}

/** Declarations visible at `ins`, by name; the last of each list is the one in effect. */
export function visibleDecls(ast: DockerfileAst, ins: Instruction): Map<string, VariableDecl[]> {
  const out = new Map<string, VariableDecl[]>();
  const add = (d: VariableDecl) => {
    const list = out.get(d.name);
    if (list) list.push(d);
    else out.set(d.name, [d]);
  };
  if (ins.stageIndex < 0 || isFrom(ast, ins)) {
    for (const g of ast.globalArgs) if (before(g, ins)) variableDecls(g).forEach(add);
    return out;
  }
  const stage = ast.stages[ins.stageIndex];
  if (!stage) return out;
  for (const a of ancestors(ast, stage).reverse()) {
    for (const i of a.instructions) if (i.keyword === 'ENV') variableDecls(i).forEach(add);
  }
  for (const i of stage.instructions) {
    if (!before(i, ins)) break;
    variableDecls(i).forEach(add);
  }
  return out;
}

/** The declaration a mention refers to, or null (undeclared, base image ENV, or predefined). */
export function declarationOf(ast: DockerfileAst, ref: VariableRef): VariableDecl | null {
  const list = visibleDecls(ast, ref.instruction).get(ref.name);
  return list ? list[list.length - 1] : null;
}

export interface ResolvedValue {
  /** The value as written in the declaration that supplies it (quotes kept); null when none does. */
  readonly value: string | null;
  readonly decl: VariableDecl;
  /** The declaration the value came from, when not `decl` itself (a global ARG's default). */
  readonly from: VariableDecl | null;
}

/** What a declaration's value is: its own, or for a stage `ARG NAME` the global default. */
export function valueOf(ast: DockerfileAst, decl: VariableDecl): ResolvedValue {
  if (decl.value !== null || decl.kind !== 'ARG' || decl.instruction.stageIndex < 0) return { value: decl.value, decl, from: null };
  let global: VariableDecl | null = null;
  for (const g of ast.globalArgs) for (const d of variableDecls(g)) if (d.name === decl.name) global = d;
  return global ? { value: global.value, decl, from: global } : { value: null, decl, from: null };
}
