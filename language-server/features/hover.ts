// Hover: parser directives, instruction keywords, flags and RUN --mount options explain themselves;
// a variable shows the value in effect there and where it comes from; a stage reference shows the
// stage it names.
import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Position, Range } from '../../dockerfile/syntax/ast';
import { directiveDoc, directiveMarkdown, PREDEFINED_ARGS } from '../docs/directives';
import { flagDoc, flagMarkdown, MOUNT_TYPES, mountOptionsOf } from '../docs/flags';
import { instructionDoc, instructionMarkdown } from '../docs/instructions';
import { mountsOf } from '../mount-options';
import { contains } from '../positions';
import { instructionAt, symbolAt } from '../symbol-at';
import { resolveAt, scopeAfter, scopesOf } from '../variable-scope';
import type { Variable } from '../../dockerfile/expansion/scope';
import type { VariableDecl } from '../variable-refs';

function markdown(value: string, range: Range): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

function keywordHover(ins: Instruction, pos: Position): Hover | null {
  for (const k of [ins, ins.onbuild]) {
    if (k && contains(k.keywordToken.range, pos)) {
      const doc = instructionDoc(k.keyword);
      return doc ? markdown(instructionMarkdown(doc), k.keywordToken.range) : null;
    }
  }
  return null;
}

/** `nameOnly`: the cursor must be on `--name`; otherwise anywhere in the flag (its value too). */
function flagHover(ins: Instruction, pos: Position, nameOnly: boolean): Hover | null {
  const target = ins.onbuild ?? ins;
  for (const m of mountsOf(target)) {
    for (const o of m.options) {
      if (o.keyRange.start.line !== o.keyRange.end.line) continue;
      if (contains(o.keyRange, pos)) {
        const doc = mountOptionsOf(m.type).find((x) => x.key === o.key);
        if (doc) return markdown(`**--mount ${o.key}=** (type=${m.type})\n\n${doc.doc}`, o.keyRange);
      }
      if (o.key === 'type' && o.valueRange && contains(o.valueRange, pos)) {
        const t = MOUNT_TYPES.find((x) => x.value === m.type);
        if (t) return markdown(`**--mount type=${t.value}**\n\n${t.doc}`, o.valueRange);
      }
    }
  }
  for (const f of target.flags) {
    if (!contains(nameOnly ? { start: f.range.start, end: f.nameRange.end } : f.range, pos)) continue;
    const doc = flagDoc(target.keyword, f.name);
    if (doc) return markdown(flagMarkdown(target.keyword, doc), f.range);
  }
  return null;
}

function variableMarkdown(ast: DockerfileAst, name: string, variable: Variable | undefined, decl: VariableDecl | null): string {
  const lines: string[] = [];
  if (variable?.kind === 'predefined' || (!decl && !variable)) {
    const pre = PREDEFINED_ARGS.find((a) => a.name === name);
    if (pre) {
      lines.push(`**${name}** (predefined build argument)`, '', pre.doc);
      if (variable) lines.push('', `Value when building for linux/amd64 on linux/amd64: ${code(variable.value)}`);
      return lines.join('\n');
    }
  }
  if (variable?.kind === 'base-env') return `**${name}**: set by the base image: ${code(variable.value)}`;
  if (!decl) return `**${name}**: not declared by ARG or ENV here; the base image or the build may set it.`;
  lines.push(`**${name}** (${decl.kind} on line ${decl.instruction.startLine + 1})`, '');
  if (!variable) {
    lines.push(decl.kind === 'ARG' ? 'No default: empty unless set with `--build-arg`.' : 'Empty.');
    return lines.join('\n');
  }
  const pre = decl.kind === 'ARG' && decl.value === null ? PREDEFINED_ARGS.find((a) => a.name === name) : undefined;
  if (pre) {
    lines.push(`Predefined build argument: ${pre.doc}`, '', `Value when building for linux/amd64 on linux/amd64: ${code(variable.value)}`);
    return lines.join('\n');
  }
  let from = '';
  if (decl.kind === 'ARG' && decl.value === null && decl.instruction.stageIndex >= 0) {
    const g = scopesOf(ast).global.get(name);
    if (g?.declaredBy) from = ` (default of the global ARG on line ${g.declaredBy.startLine + 1})`;
  }
  lines.push(`Value: ${code(variable.value)}${from}`);
  if (decl.value !== null && decl.value !== variable.value && decl.value.replace(/^"(.*)"$/s, '$1') !== variable.value) {
    lines.push('', `Written: ${code(decl.value)}`);
  }
  if (decl.kind === 'ARG') lines.push('', '`--build-arg` overrides it.');
  return lines.join('\n');
}

function variableHover(ast: DockerfileAst, pos: Position): Hover | null {
  const sym = symbolAt(ast, pos);
  if (!sym) return null;
  if (sym.kind === 'stage') {
    const s = sym.stage;
    const base = s.base ? ` from ${code(s.base.value)}` : '';
    return markdown(`**Stage ${code(s.name?.value ?? String(s.index))}** (stage ${s.index}, line ${s.from.startLine + 1})${base}`, sym.range);
  }
  if (sym.decl) {
    const variable = scopeAfter(ast, sym.decl.instruction)?.get(sym.name);
    return markdown(variableMarkdown(ast, sym.name, variable?.declaredBy === sym.decl.instruction ? variable : undefined, sym.decl), sym.range);
  }
  const r = sym.ref ? resolveAt(ast, sym.ref.instruction, sym.name) : null;
  return markdown(variableMarkdown(ast, sym.name, r?.variable, r?.decl ?? null), sym.range);
}

export function hover(ast: DockerfileAst, pos: Position): Hover | null {
  for (const d of ast.directives) {
    if (contains(d.nameRange, pos)) {
      const doc = directiveDoc(d.name);
      return doc ? markdown(directiveMarkdown(doc), d.nameRange) : null;
    }
  }
  const ins = instructionAt(ast, pos);
  if (!ins) return null;
  // A stage name or variable inside a flag value says more than the flag's docs.
  return keywordHover(ins, pos) ?? flagHover(ins, pos, true) ?? variableHover(ast, pos) ?? flagHover(ins, pos, false);
}
