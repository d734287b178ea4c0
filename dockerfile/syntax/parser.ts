// The Dockerfile parser: BuildKit's reading rules (frontend/dockerfile/parser) with two changes
// that an editor needs: it never stops at the first problem (each one becomes a SyntaxError and
// parsing goes on with the next line), and every piece keeps its exact range in the source.
import type {
  Comment, Directive, DockerfileAst, Flag, Heredoc, Instruction, JsonForm, Range, Stage, SyntaxError, Token,
} from './ast.js';
import { readDirective } from './directives.js';
import { findHeredocMarkers } from './heredoc-markers.js';
import { viewInstruction } from './instructions.js';
import { scanJsonArray } from './json-form.js';
import { HEREDOC_FORM, isKeyword, JSON_FORM, KEYWORDS, suggest } from './keywords.js';
import { ParsedInstruction } from './parsed-instruction.js';
import { isBlank, isSpace, LogicalLine, skipSpace, splitLines, trimEndSpace } from './source.js';
import { scanFlags, type RawFlag } from './words.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const BOM = 0xfeff;

interface Reader {
  readonly lines: readonly string[];
  escape: '\\' | '`';
  readonly comments: Comment[];
  readonly errors: SyntaxError[];
}

/** Parses a whole Dockerfile. Never throws; problems are in `errors`, sorted by position. */
export function parseDockerfile(text: string): DockerfileAst {
  const lines = splitLines(text);
  const reader: Reader = { lines, escape: '\\', comments: [], errors: [] };
  const directives: Directive[] = [];
  const seenDirectives = new Set<string>();
  let directivesDone = false;
  const instructions: Instruction[] = [];

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const lineStart = i === 0 && line.charCodeAt(0) === BOM ? 1 : 0;
    const col = skipSpace(line, lineStart);

    if (!directivesDone) {
      const d = readDirective(line, i, col);
      if (d === null || !d.known) directivesDone = true;
      if (d !== null) {
        directives.push(d.directive);
        if (d.known) {
          if (seenDirectives.has(d.directive.name)) {
            reader.errors.push(err('bad-directive', `only one ${d.directive.name} parser directive can be used`, d.directive.range));
          } else {
            seenDirectives.add(d.directive.name);
            if (d.directive.name === 'escape') setEscape(reader, d.directive);
          }
          continue;
        }
      }
    }

    if (col < line.length && line.charCodeAt(col) === 0x23 /* # */) {
      reader.comments.push(commentAt(line, i, col));
      continue;
    }
    if (col >= line.length) continue;

    const logical = new LogicalLine();
    const empties: number[] = [];
    let last = i;
    let lastPiece = i;
    let continues = appendPiece(reader, logical, line, i, col);
    while (continues && last + 1 < lines.length) {
      last++;
      const next = lines[last];
      const nextCol = skipSpace(next, 0);
      if (nextCol < next.length && next.charCodeAt(nextCol) === 0x23) {
        reader.comments.push(commentAt(next, last, nextCol));
        continue;
      }
      if (nextCol >= next.length) {
        empties.push(last);
        continue;
      }
      continues = appendPiece(reader, logical, next, last, 0);
      lastPiece = last;
    }

    const built = buildInstruction(reader, logical, 0, logical.text.length);
    if (built === null) {
      i = last;
      continue;
    }
    const endOfText = lastPiece;
    let endLine = endOfText;
    const target = built.keyword === 'ONBUILD' && built.onbuild ? built.onbuild : built;
    if (HEREDOC_FORM.has(target.keyword) && target.json === null) {
      const markers = findHeredocMarkers(logical.text, 0, logical.text.length);
      const heredocs: Heredoc[] = [];
      let at = last;
      for (const marker of markers) {
        const doc = readHeredocBody(reader, logical.rangeOf(marker.start, marker.end), marker, at);
        heredocs.push(doc.heredoc);
        at = doc.lastLine;
      }
      if (heredocs.length) {
        built.heredocs = heredocs;
        if (built.onbuild) (built.onbuild as Mutable<Instruction>).heredocs = heredocs;
        last = at;
        endLine = at;
      }
    }
    const inside = empties.filter((l) => l < endOfText);
    if (inside.length) built.emptyContinuationLines = inside;
    finishRanges(reader, built, endLine);
    instructions.push(built);
    i = last;
  }

  return assemble(text, lines, reader, directives, instructions);
}

function err(code: SyntaxError['code'], message: string, range: Range): SyntaxError {
  return { code, message, range };
}

function setEscape(reader: Reader, d: Directive): void {
  if (d.value === '\\' || d.value === '`') {
    reader.escape = d.value;
  } else {
    reader.errors.push(err('bad-directive', `invalid escape token '${d.value}' does not match \` or \\`, d.valueRange));
  }
}

function commentAt(line: string, lineNo: number, col: number): Comment {
  return { text: line.slice(col + 1), range: { start: { line: lineNo, character: col }, end: { line: lineNo, character: line.length } } };
}

/**
 * Adds line[col..] to the logical line, without a trailing continuation (escape char followed
 * only by blanks, and not itself escaped). Returns true when the instruction continues.
 */
function appendPiece(reader: Reader, logical: LogicalLine, line: string, lineNo: number, col: number): boolean {
  const esc = reader.escape.charCodeAt(0);
  let end = line.length;
  while (end > col && (line.charCodeAt(end - 1) === 0x20 || line.charCodeAt(end - 1) === 0x09)) end--;
  if (end > col && line.charCodeAt(end - 1) === esc && (end - 1 === col || line.charCodeAt(end - 2) !== esc)) {
    logical.append(line.slice(col, end - 1), lineNo, col);
    return true;
  }
  logical.append(line.slice(col), lineNo, col);
  return false;
}

type Built = Mutable<Instruction>;

function token(logical: LogicalLine, start: number, end: number): Token {
  return { value: logical.text.slice(start, end), range: logical.rangeOf(start, end) };
}

function toFlag(logical: LogicalLine, raw: RawFlag): Flag {
  const eq = raw.decoded.indexOf('=');
  const nameEnd = eq < 0 ? raw.decoded.length : eq;
  const name = raw.decoded.slice(2, nameEnd);
  const nameRange = logical.rangeOf(raw.start, nameEnd > 0 ? raw.offsets[nameEnd - 1] + 1 : raw.start + 2);
  let value: string | null = null;
  let valueRange: Range | null = null;
  if (eq >= 0) {
    value = raw.decoded.slice(eq + 1);
    // From just after `=` (opening quotes included) to the end of the word.
    const vStart = raw.offsets[eq] + 1;
    valueRange = logical.rangeOf(vStart, value.length ? raw.end : vStart);
  }
  return { name, nameRange, value, valueRange, range: logical.rangeOf(raw.start, raw.end) };
}

function jsonForm(logical: LogicalLine, from: number, to: number, reader: Reader, keyword: string): JsonForm | null {
  const scan = scanJsonArray(logical.text, from, to);
  if (scan.kind === 'shell') return null;
  if (scan.kind === 'not-strings') {
    reader.errors.push(err('bad-json', `${keyword}: when using JSON array syntax, arrays must be comprised of strings only`, logical.rangeOf(from, to)));
    return null;
  }
  return {
    values: scan.values,
    ranges: scan.spans.map((s) => logical.rangeOf(s.start, s.end)),
    range: logical.rangeOf(from, to),
  };
}

/** One instruction from logical.text[from, to): keyword, flags, arguments, JSON form, ONBUILD trigger. */
function buildInstruction(reader: Reader, logical: LogicalLine, from: number, to: number, nested = false): Built | null {
  const text = logical.text;
  const s = skipSpace(text, from, to);
  const e = trimEndSpace(text, s, to);
  if (s >= e) return null;
  let k = s;
  while (k < e && !isBlank(text.charCodeAt(k))) k++;
  const keywordToken = token(logical, s, k);
  const keyword = keywordToken.value.toUpperCase();
  const known = isKeyword(keyword);
  let restStart = k;
  while (restStart < e && isBlank(text.charCodeAt(restStart))) restStart++;

  const flagScan = scanFlags(text, restStart, e, reader.escape.charCodeAt(0));
  const argsStart = skipSpace(text, flagScan.argsStart, e);
  const hasArgs = argsStart < e;

  let json: JsonForm | null = null;
  if (JSON_FORM.has(keyword) && hasArgs) {
    json = jsonForm(logical, argsStart, e, reader, keyword);
  } else if (keyword === 'HEALTHCHECK' && hasArgs) {
    // HEALTHCHECK CMD ["..."]: the JSON follows the type word.
    let t = argsStart;
    while (t < e && !isSpace(text.charCodeAt(t))) t++;
    const cmdStart = skipSpace(text, t, e);
    if (cmdStart < e) json = jsonForm(logical, cmdStart, e, reader, keyword);
  }

  let onbuild: Instruction | null = null;
  if (keyword === 'ONBUILD' && hasArgs) onbuild = buildInstruction(reader, logical, argsStart, e, true);

  // An unknown ONBUILD trigger only fails when a later build runs it, so it is not an error here.
  if (!known && !nested) {
    const hint = suggest(keywordToken.value, KEYWORDS);
    reader.errors.push(err('unknown-instruction',
      `unknown instruction: ${keywordToken.value}${hint ? ` (did you mean ${hint}?)` : ''}`,
      keywordToken.range));
  }

  const startPos = logical.positionAt(s);
  // `words` is computed from the link when first read.
  return new ParsedInstruction({
    keyword,
    known,
    keywordToken,
    range: { start: startPos, end: logical.positionAt(e) },
    flags: flagScan.flags.map((f) => toFlag(logical, f)),
    argsText: hasArgs ? text.slice(argsStart, e) : '',
    argsRange: hasArgs ? logical.rangeOf(argsStart, e) : null,
    json,
    heredocs: [],
    onbuild,
    stageIndex: -1,
    startLine: startPos.line,
    endLine: startPos.line,
  }, { logical, argsStart, argsEnd: e, escape: reader.escape.charCodeAt(0) });
}

function readHeredocBody(
  reader: Reader, markerRange: Range, marker: { name: string; chomp: boolean; quoted: boolean }, after: number,
): { heredoc: Heredoc; lastLine: number } {
  const lines = reader.lines;
  const body: string[] = [];
  let i = after + 1;
  for (; i < lines.length; i++) {
    const candidate = marker.chomp ? lines[i].replace(/^\t+/, '') : lines[i];
    if (candidate === marker.name) break;
    body.push(lines[i]);
  }
  const first = after + 1;
  const terminated = i < lines.length;
  const lastBody = first + body.length - 1;
  const contentRange: Range = body.length
    ? { start: { line: first, character: 0 }, end: { line: lastBody, character: lines[lastBody].length } }
    : { start: { line: Math.min(first, lines.length - 1), character: 0 }, end: { line: Math.min(first, lines.length - 1), character: 0 } };
  const terminatorRange: Range | null = terminated
    ? { start: { line: i, character: 0 }, end: { line: i, character: lines[i].length } }
    : null;
  if (!terminated) {
    reader.errors.push(err('unterminated-heredoc', `unterminated heredoc: no line "${marker.name}" ends the heredoc started here`, markerRange));
  }
  return {
    heredoc: {
      name: marker.name,
      chomp: marker.chomp,
      quoted: marker.quoted,
      content: body.map((l) => l + '\n').join(''),
      markerRange,
      contentRange,
      terminatorRange,
    },
    lastLine: terminated ? i : lines.length - 1,
  };
}

/** The instruction (and its ONBUILD trigger) ends at the end of its last line, heredocs included. */
function finishRanges(reader: Reader, built: Built, endLine: number): void {
  const end = { line: endLine, character: reader.lines[endLine].length };
  built.range = { start: built.range.start, end };
  built.endLine = endLine;
  if (built.onbuild) {
    const inner = built.onbuild as Mutable<Instruction>;
    inner.range = { start: inner.range.start, end };
    inner.endLine = endLine;
  }
}

function assemble(
  text: string, lines: string[], reader: Reader, directives: Directive[], instructions: Built[],
): DockerfileAst {
  const stages: Mutable<Stage>[] = [];
  const globalArgs: Instruction[] = [];
  const stageInstructions: Instruction[][] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const index = stages.length;
      ins.stageIndex = index;
      // The same reading as the FROM view (BuildKit splits FROM on blanks only).
      const view = viewInstruction(ins);
      const base = view.keyword === 'FROM' ? view.image : null;
      const name = view.keyword === 'FROM' ? view.stageName : null;
      const own: Instruction[] = [];
      stageInstructions.push(own);
      stages.push({ index, name, base, from: ins, instructions: own, range: ins.range });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') globalArgs.push(ins);
      else if (ins.known) {
        reader.errors.push(err('instruction-before-from',
          `${ins.keyword} comes before the first FROM; only ARG may appear before FROM (no build stage in current context)`,
          ins.keywordToken.range));
      }
    } else {
      ins.stageIndex = stages.length - 1;
      if (ins.onbuild) (ins.onbuild as Mutable<Instruction>).stageIndex = ins.stageIndex;
      stageInstructions[stages.length - 1].push(ins);
    }
  }
  for (const st of stages) {
    const last = st.instructions.length ? st.instructions[st.instructions.length - 1] : st.from;
    st.range = { start: st.from.range.start, end: last.range.end };
  }

  // The view's own list, not validateInstruction's copy of it.
  for (const ins of instructions) for (const e of viewInstruction(ins).errors) reader.errors.push(e);
  if (instructions.length === 0) {
    const endLine = lines.length - 1;
    reader.errors.push(err('other', 'file with no instructions',
      { start: { line: endLine, character: lines[endLine].length }, end: { line: endLine, character: lines[endLine].length } }));
  }
  reader.errors.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return {
    text,
    lines,
    escapeChar: reader.escape,
    directives,
    comments: reader.comments,
    instructions,
    globalArgs,
    stages,
    errors: reader.errors,
  };
}
