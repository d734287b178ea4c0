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
import { declarationOf, valueOf } from '../variable-scope';
import type { VariableDecl } from '../variable-refs';

export interface ValueExpander {
  /** The value of `decl` with the variables it mentions expanded, or null when that cannot be known. */
  (ast: DockerfileAst, decl: VariableDecl): string | null;
}

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

function variableHover(ast: DockerfileAst, pos: Position, expand: ValueExpander | null): Hover | null {
  const sym = symbolAt(ast, pos);
  if (!sym) return null;
  if (sym.kind === 'stage') {
    const s = sym.stage;
    const base = s.base ? ` from ${code(s.base.value)}` : '';
    return markdown(`**Stage ${code(s.name?.value ?? String(s.index))}** (stage ${s.index}, line ${s.from.startLine + 1})${base}`, sym.range);
  }
  const decl = sym.decl ?? (sym.ref && declarationOf(ast, sym.ref));
  if (!decl) {
    const pre = PREDEFINED_ARGS.find((a) => a.name === sym.name);
    if (pre) return markdown(`**${sym.name}** (predefined build argument)\n\n${pre.doc}`, sym.range);
    return markdown(`**${sym.name}**: not declared by ARG or ENV here; the base image or the build may set it.`, sym.range);
  }
  const resolved = valueOf(ast, decl);
  const where = `${decl.kind} on line ${decl.instruction.startLine + 1}`;
  const lines = [`**${sym.name}** (${where})`];
  if (resolved.value === null) {
    lines.push('', decl.kind === 'ARG' ? 'No default: empty unless set with `--build-arg`.' : 'Empty.');
  } else {
    lines.push('', `Value: ${code(resolved.value)}${resolved.from ? ` (default of the global ARG on line ${resolved.from.instruction.startLine + 1})` : ''}`);
    const expanded = expand?.(ast, resolved.from ?? decl);
    if (expanded !== null && expanded !== undefined && expanded !== resolved.value) lines.push('', `Expands to: ${code(expanded)}`);
    if (decl.kind === 'ARG') lines.push('', '`--build-arg` overrides it.');
  }
  return markdown(lines.join('\n'), sym.range);
}

export function hover(ast: DockerfileAst, pos: Position, expand: ValueExpander | null = null): Hover | null {
  for (const d of ast.directives) {
    if (contains(d.nameRange, pos)) {
      const doc = directiveDoc(d.name);
      return doc ? markdown(directiveMarkdown(doc), d.nameRange) : null;
    }
  }
  const ins = instructionAt(ast, pos);
  if (!ins) return null;
  // A stage name or variable inside a flag value says more than the flag's docs.
  return keywordHover(ins, pos) ?? flagHover(ins, pos, true) ?? variableHover(ast, pos, expand) ?? flagHover(ins, pos, false);
}
