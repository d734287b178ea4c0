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
import type { BaseImageLookup } from '../../dockerfile/lint/base-image';
import type { ImageConfigFacts } from '../protocol';
import type { VariableDecl } from '../variable-refs';

/** What the engine said of base images (BaseImages in the server). */
export interface HoverImages {
  readonly lookup: BaseImageLookup | undefined;
  image(reference: string): ImageConfigFacts | undefined;
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

function variableHover(ast: DockerfileAst, pos: Position, base: BaseImageLookup | undefined): Hover | null {
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
  const r = sym.ref ? resolveAt(ast, sym.ref.instruction, sym.name, base) : null;
  return markdown(variableMarkdown(ast, sym.name, r?.variable, r?.decl ?? null), sym.range);
}

/** Decimal units, as `docker images` shows sizes. */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function created(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function imageMarkdown(reference: string, image: ImageConfigFacts): string {
  const id = image.id.replace(/^sha256:/, '').slice(0, 12);
  const json = (v: readonly string[]) => (v.length ? code(JSON.stringify(v)) : 'none');
  const names = image.env.map((kv) => kv.split('=')[0]);
  const lines = [
    `**${reference}** in the engine (${code(id)}): ${humanSize(image.size)}, created ${created(image.created)}, ${image.os}/${image.architecture}`,
    '',
    `- Entrypoint ${json(image.entrypoint)}, Cmd ${json(image.cmd)}`,
    `- User ${image.user ? code(image.user) : 'root (not set)'}, WORKDIR ${image.workingDir ? code(image.workingDir) : '/ (not set)'}`,
    `- Exposed ports: ${image.exposedPorts.length ? image.exposedPorts.map(code).join(', ') : 'none'}`,
    `- ENV: ${names.length} variable${names.length === 1 ? '' : 's'}${names.length ? ` (${names.slice(0, 8).map(code).join(', ')}${names.length > 8 ? ', …' : ''})` : ''}`,
  ];
  if (image.shell.length) lines.push(`- Shell ${json(image.shell)}`);
  return lines.join('\n');
}

/** The engine's image behind this FROM, when it has it. */
function fromImage(ast: DockerfileAst, ins: Instruction, images: HoverImages | undefined): { reference: string; image: ImageConfigFacts } | null {
  if (!images || ins.keyword !== 'FROM') return null;
  const st = scopesOf(ast, images.lookup).stages[ins.stageIndex];
  if (!st || st.parent !== null || !st.base?.ok) return null;
  const image = images.image(st.base.value);
  return image ? { reference: st.base.value, image } : null;
}

function imageHover(ast: DockerfileAst, ins: Instruction, pos: Position, images: HoverImages | undefined): Hover | null {
  const word = ast.stages[ins.stageIndex]?.base;
  if (!word || !contains(word.range, pos)) return null;
  const found = fromImage(ast, ins, images);
  return found ? markdown(imageMarkdown(found.reference, found.image), word.range) : null;
}

export function hover(ast: DockerfileAst, pos: Position, images?: HoverImages): Hover | null {
  for (const d of ast.directives) {
    if (contains(d.nameRange, pos)) {
      const doc = directiveDoc(d.name);
      return doc ? markdown(directiveMarkdown(doc), d.nameRange) : null;
    }
  }
  const ins = instructionAt(ast, pos);
  if (!ins) return null;
  // A stage name or variable inside a flag value says more than the flag's docs.
  const keyword = keywordHover(ins, pos);
  if (keyword) {
    const found = fromImage(ast, ins, images);
    if (!found) return keyword;
    const text = (keyword.contents as { value: string }).value;
    return markdown(`${imageMarkdown(found.reference, found.image)}\n\n---\n\n${text}`, keyword.range!);
  }
  return flagHover(ins, pos, true) ?? variableHover(ast, pos, images?.lookup) ?? imageHover(ast, ins, pos, images) ?? flagHover(ins, pos, false);
}
