// Rename for ARG/ENV variables and stage names. A new name that is not valid, or already taken,
// is refused with a message saying why, rather than producing a Dockerfile that builds differently.
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { DockerfileAst, Position } from '../../dockerfile/syntax/ast';
import { occurrences, symbolAt } from '../symbol-at';
import { variableDecls, variableRefs, type VariableRef } from '../variable-refs';
import { declarationOf } from '../variable-scope';

export type RenameResult = { readonly edit: WorkspaceEdit } | { readonly error: string };

export function prepareRename(ast: DockerfileAst, pos: Position): { range: Range; placeholder: string } | null {
  const sym = symbolAt(ast, pos);
  if (!sym) return null;
  if (sym.kind === 'stage') {
    const { start, end } = sym.range;
    const written = start.line === end.line ? ast.lines[start.line]?.slice(start.character, end.character) : '';
    // `--from=0` names the stage by position: there is no name there to edit.
    if (!sym.stage.name || /^\d+$/.test(written ?? '')) return null;
    return { range: sym.range, placeholder: sym.stage.name.value };
  }
  if (!occurrences(ast, sym).some((o) => o.declaration)) return null;
  return { range: sym.range, placeholder: sym.name };
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// BuildKit: stage names are lower-cased and must match this.
const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/i;

function variableNames(ast: DockerfileAst): Set<string> {
  const out = new Set<string>();
  for (const ins of ast.instructions) {
    for (const d of variableDecls(ins.onbuild ?? ins)) out.add(d.name);
    for (const r of variableRefs(ast, ins)) out.add(r.name);
  }
  return out;
}

/** A use of the name that no ARG/ENV in scope declares (it reads the environment). */
function undeclaredUse(ast: DockerfileAst, name: string): VariableRef | null {
  for (const ins of ast.instructions) {
    for (const r of variableRefs(ast, ins)) if (r.name === name && !declarationOf(ast, r)) return r;
  }
  return null;
}

export function rename(ast: DockerfileAst, uri: string, pos: Position, newName: string): RenameResult | null {
  const sym = symbolAt(ast, pos);
  if (!sym) return null;
  if (sym.kind === 'stage') {
    if (!sym.stage.name) return null;
    if (!STAGE_NAME.test(newName)) return { error: `"${newName}" is not a valid stage name: start with a letter, then letters, digits, "-", "_" or "."` };
    const lower = newName.toLowerCase();
    if (lower === 'scratch' || lower === 'context') return { error: `"${newName}" is reserved and cannot name a stage` };
    const taken = ast.stages.find((s) => s !== sym.stage && s.name?.value.toLowerCase() === lower);
    if (taken) return { error: `another stage is already named "${taken.name!.value}" (line ${taken.from.startLine + 1})` };
  } else {
    if (!VARIABLE_NAME.test(newName)) return { error: `"${newName}" is not a valid variable name: letters, digits and "_", not starting with a digit` };
    if (newName !== sym.name && variableNames(ast).has(newName)) return { error: `the Dockerfile already uses a variable named ${newName}` };
    if (!occurrences(ast, sym).some((o) => o.declaration)) return { error: `${sym.name} is not declared in this Dockerfile (it comes from the base image or the build)` };
    const outside = undeclaredUse(ast, sym.name);
    if (outside) return { error: `${sym.name} on line ${outside.range.start.line + 1} is the base image's or the build's ${sym.name}, not one declared here: renaming would change the build` };
  }
  const edits: TextEdit[] = occurrences(ast, sym).filter((o) => !o.byIndex).map((o) => ({ range: o.range, newText: newName }));
  return { edit: { changes: { [uri]: edits } } };
}
