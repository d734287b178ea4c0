// Semantic tokens: one linear pass over the instructions, split per line (clients need single-line
// tokens), sorted and encoded. `full`, `range` and `delta` all come from the same token list.
import type { SemanticTokens, SemanticTokensDelta, SemanticTokensEdit, SemanticTokensLegend } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Range } from '../../dockerfile/syntax/ast';
import { mountsOf } from '../mount-options';
import { variableDecls, variableRefs } from '../variable-refs';

export const TOKEN_TYPES = ['keyword', 'comment', 'macro', 'parameter', 'string', 'variable', 'property', 'namespace', 'class', 'number', 'operator'] as const;
export const TOKEN_MODIFIERS = ['declaration', 'deprecated'] as const;
export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

const typeIndex = new Map(TOKEN_TYPES.map((t, i) => [t, i]));

interface RawToken {
  line: number;
  char: number;
  length: number;
  type: number;
  mods: number;
}

class Collector {
  readonly tokens: RawToken[] = [];
  constructor(private readonly lines: readonly string[], private readonly fromLine: number, private readonly toLine: number) {}

  add(range: Range | null | undefined, type: TokenType, ...mods: Modifier[]): void {
    if (!range) return;
    const t = typeIndex.get(type)!;
    const m = mods.reduce((acc, mod) => acc | (1 << TOKEN_MODIFIERS.indexOf(mod)), 0);
    const first = Math.max(range.start.line, this.fromLine);
    const last = Math.min(range.end.line, this.toLine);
    for (let line = first; line <= last; line++) {
      const text = this.lines[line] ?? '';
      const s = line === range.start.line ? range.start.character : text.length - text.trimStart().length;
      const e = Math.min(line === range.end.line ? range.end.character : text.length, text.length);
      if (e > s) this.tokens.push({ line, char: s, length: e - s, type: t, mods: m });
    }
  }
}

function flagTokens(c: Collector, ins: Instruction): void {
  for (const f of ins.flags) {
    c.add({ start: f.range.start, end: f.nameRange.end }, 'parameter');
    if (f.name.toLowerCase() === 'from' && f.valueRange) c.add(f.valueRange, 'namespace');
    else if (f.name.toLowerCase() !== 'mount' && f.valueRange) c.add(f.valueRange, 'string');
  }
  for (const m of mountsOf(ins)) {
    for (const o of m.options) {
      c.add(o.keyRange, 'property');
      if (o.valueRange && o.valueRange !== o.keyRange) c.add(o.valueRange, o.key === 'from' ? 'namespace' : 'string');
    }
  }
}

function argumentTokens(c: Collector, ast: DockerfileAst, ins: Instruction): void {
  switch (ins.keyword) {
    case 'FROM': {
      const w = ins.words;
      // An image named through a variable is coloured by its variables instead.
      if (w[0] && !w[0].value.includes('$')) c.add(w[0].range, 'class');
      if (w.length >= 3 && w[1].value.toLowerCase() === 'as') {
        c.add(w[1].range, 'keyword');
        c.add(w[2].range, 'namespace', 'declaration');
      }
      break;
    }
    case 'EXPOSE':
      for (const w of ins.words) c.add(w.range, 'number');
      break;
    case 'HEALTHCHECK':
      if (ins.words[0] && /^(cmd|none)$/i.test(ins.words[0].value)) c.add(ins.words[0].range, 'keyword');
      break;
    case 'ARG':
    case 'ENV':
      for (const d of variableDecls(ins)) c.add(d.range, 'variable', 'declaration');
      break;
    case 'LABEL':
      for (const w of ins.words) {
        const eq = w.value.indexOf('=');
        if (eq > 0 && w.range.start.line === w.range.end.line) {
          c.add({ start: w.range.start, end: { line: w.range.start.line, character: w.range.start.character + eq } }, 'property');
        }
      }
      break;
  }
  if (ins.json) for (const r of ins.json.ranges) c.add(r, 'string');
  for (const h of ins.heredocs) {
    c.add(h.markerRange, 'operator');
    if (h.terminatorRange) c.add(h.terminatorRange, 'operator');
  }
  for (const ref of variableRefs(ast, ins)) {
    // ARG/ENV names were added as declarations; a `$X` inside their values is still a use.
    c.add(ref.fullRange, 'variable');
  }
}

function instructionTokens(c: Collector, ast: DockerfileAst, ins: Instruction): void {
  c.add(ins.keywordToken.range, 'keyword', ...(ins.keyword === 'MAINTAINER' ? (['deprecated'] as const) : []));
  const inner = ins.onbuild;
  if (inner) {
    c.add(inner.keywordToken.range, 'keyword', ...(inner.keyword === 'MAINTAINER' ? (['deprecated'] as const) : []));
    flagTokens(c, inner);
    argumentTokens(c, ast, inner);
    return;
  }
  flagTokens(c, ins);
  argumentTokens(c, ast, ins);
}

/** Sorted by position; where two tokens overlap the first one wins (clients reject overlaps). */
function encode(tokens: RawToken[]): number[] {
  tokens.sort((a, b) => a.line - b.line || a.char - b.char || b.length - a.length);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let lastLine = -1;
  let lastEnd = 0;
  for (const t of tokens) {
    if (t.line === lastLine && t.char < lastEnd) continue;
    data.push(t.line - prevLine, t.line === prevLine ? t.char - prevChar : t.char, t.length, t.type, t.mods);
    prevLine = t.line;
    prevChar = t.char;
    lastLine = t.line;
    lastEnd = t.char + t.length;
  }
  return data;
}

function collect(ast: DockerfileAst, fromLine: number, toLine: number): number[] {
  const c = new Collector(ast.lines, fromLine, toLine);
  const directiveLines = new Set<number>();
  for (const d of ast.directives) {
    directiveLines.add(d.range.start.line);
    if (d.range.start.line < fromLine || d.range.start.line > toLine) continue;
    c.add({ start: d.range.start, end: d.nameRange.start }, 'comment');
    c.add(d.nameRange, 'macro');
    c.add(d.valueRange, 'string');
  }
  for (const cm of ast.comments) {
    if (directiveLines.has(cm.range.start.line)) continue;
    if (cm.range.end.line >= fromLine && cm.range.start.line <= toLine) c.add(cm.range, 'comment');
  }
  for (const ins of ast.instructions) {
    if (ins.endLine < fromLine || ins.startLine > toLine) continue;
    instructionTokens(c, ast, ins);
  }
  return encode(c.tokens);
}

export function semanticTokensFull(ast: DockerfileAst): number[] {
  return collect(ast, 0, ast.lines.length);
}

export function semanticTokensRange(ast: DockerfileAst, range: Range): number[] {
  return collect(ast, range.start.line, range.end.line);
}

/** One edit replacing what differs between the common prefix and suffix (typing changes one spot). */
export function diff(before: readonly number[], after: readonly number[]): SemanticTokensEdit[] {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  if (start === before.length && start === after.length) return [];
  let tail = 0;
  while (tail < max - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  return [{ start, deleteCount: before.length - start - tail, data: after.slice(start, after.length - tail) }];
}

/** Remembers the last full result per document so `delta` can answer with edits. */
export class SemanticTokensCache {
  private readonly last = new Map<string, { id: string; data: number[] }>();
  private counter = 0;

  full(uri: string, data: number[]): SemanticTokens {
    const id = String(++this.counter);
    this.last.set(uri, { id, data });
    return { resultId: id, data };
  }

  delta(uri: string, previousResultId: string, data: number[]): SemanticTokens | SemanticTokensDelta {
    const prev = this.last.get(uri);
    if (!prev || prev.id !== previousResultId) return this.full(uri, data);
    const id = String(++this.counter);
    this.last.set(uri, { id, data });
    return { resultId: id, edits: diff(prev.data, data) };
  }

  forget(uri: string): void {
    this.last.delete(uri);
  }
}
