// Which variables an instruction sees and where they were declared, from the builder's own scope
// model (dockerfile/expansion/scope.ts, BuildKit's rules), computed once per parse. Hover,
// definition and completion read it here so the editor shows what the build will use. Hover and
// completion pass the base images' facts when the engine knows them (their ENV is then in scope).
import type { BaseImageLookup } from '../dockerfile/lint/base-image';
import { resolveScopes, type Scope, type Scopes, type Variable } from '../dockerfile/expansion/scope';
import type { DockerfileAst, Instruction } from '../dockerfile/syntax/ast';
import { variableDecls, type VariableDecl, type VariableRef } from './variable-refs';

const cache = new WeakMap<DockerfileAst, { scopes: Scopes; base: BaseImageLookup | undefined }>();

export function scopesOf(ast: DockerfileAst, base?: BaseImageLookup): Scopes {
  let s = cache.get(ast);
  if (!s || s.base !== base) {
    s = { scopes: resolveScopes(ast, base ? { baseImageEnv: (image) => base(image)?.env } : {}), base };
    cache.set(ast, s);
  }
  return s.scopes;
}

/** The scope an instruction's arguments are expanded with (empty when none applies). */
export function scopeAt(ast: DockerfileAst, ins: Instruction, base?: BaseImageLookup): Scope | null {
  return scopesOf(ast, base).scopeBefore(ins) ?? null;
}

/** Where `name` is declared by the ARG/ENV line `ins`. */
function declIn(ins: Instruction, name: string): VariableDecl | null {
  const target = ins.onbuild ?? ins;
  const all = variableDecls(target).filter((d) => d.name === name);
  return all[all.length - 1] ?? null;
}

/** The last `ARG name` before `ins` in its stage: an ARG without value declares the name without setting it. */
function argWithoutValue(ast: DockerfileAst, ins: Instruction, name: string): VariableDecl | null {
  const stage = ast.stages[ins.stageIndex];
  const list = stage && stage.from !== ins ? stage.instructions : ast.globalArgs;
  let found: VariableDecl | null = null;
  for (const i of list) {
    if (i.startLine >= ins.startLine) break;
    if (i.keyword === 'ARG') found = declIn(i, name) ?? found;
  }
  return found;
}

export interface ResolvedVariable {
  /** The ARG/ENV that declares it in this file; null for predefined and base-image variables. */
  readonly decl: VariableDecl | null;
  /** The builder's view: value (expanded) and kind; undefined when declared without a value. */
  readonly variable: Variable | undefined;
}

/** What `$name` means at instruction `ins`; null when nothing in scope declares or sets it. */
export function resolveAt(ast: DockerfileAst, ins: Instruction, name: string, base?: BaseImageLookup): ResolvedVariable | null {
  const scope = scopeAt(ast, ins, base);
  if (!scope) return null;
  const variable = scope.get(name);
  if (variable?.declaredBy) return { decl: declIn(variable.declaredBy, name), variable };
  if (variable) return { decl: null, variable };
  if (scope.isDeclaredArg(name)) return { decl: argWithoutValue(ast, ins, name), variable: undefined };
  return null;
}

/** The scope right after `ins` (what an ARG/ENV line sets, as the next line sees it). */
export function scopeAfter(ast: DockerfileAst, ins: Instruction): Scope | null {
  const scopes = scopesOf(ast);
  if (ins.stageIndex < 0) {
    const i = ast.globalArgs.indexOf(ins);
    const next = ast.globalArgs[i + 1];
    return i < 0 ? null : next ? scopes.scopeBefore(next) ?? null : scopes.global;
  }
  const st = scopes.stages[ins.stageIndex];
  if (!st) return null;
  const i = st.stage.instructions.indexOf(ins);
  if (i < 0) return null;
  return st.before[i + 1] ?? st.after;
}

export function declarationOf(ast: DockerfileAst, ref: VariableRef): VariableDecl | null {
  return resolveAt(ast, ref.instruction, ref.name)?.decl ?? null;
}

/** Variables an instruction can use, by name (what completion offers after `$`). */
export function visibleVariables(ast: DockerfileAst, ins: Instruction, base?: BaseImageLookup): Variable[] {
  return scopeAt(ast, ins, base)?.variables() ?? [];
}
