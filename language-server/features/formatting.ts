// Formatting: upper-case instruction keywords (and FROM's AS, HEALTHCHECK's CMD/NONE), no leading
// whitespace before an instruction, continuation lines indented one level, no trailing whitespace.
// It never touches heredoc bodies or terminators, and never re-indents a continuation line where
// that would change the instruction: inside a quoted string, or where the line break joins a word
// (`foo\` + `bar` is `foobar`).
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { DockerfileAst, Instruction, Range } from '../../dockerfile/syntax/ast';

export interface LineFilter {
  (line: number): boolean;
}

function edit(line: number, start: number, end: number, newText: string): TextEdit {
  return { range: { start: { line, character: start }, end: { line, character: end } }, newText };
}

/** Lines belonging to heredoc bodies or terminators: left exactly as written. */
function heredocLines(ast: DockerfileAst): Set<number> {
  const out = new Set<number>();
  for (const ins of ast.instructions) {
    for (const h of [...ins.heredocs, ...(ins.onbuild?.heredocs ?? [])]) {
      const first = h.markerRange.start.line + 1;
      const last = (h.terminatorRange ?? h.contentRange).end.line;
      for (let l = first; l <= last; l++) out.add(l);
    }
  }
  return out;
}

// Only space and tab are blanks to the Dockerfile parser; JavaScript's trim() and \s would also
// eat characters such as U+FEFF that are part of a word there.
function leadingBlanks(text: string): number {
  return /^[ \t]*/.exec(text)![0].length;
}

function isBlank(text: string): boolean {
  return /^[ \t]*$/.test(text);
}

/** Shell quote state after scanning `text` from `from`, starting in state `quote`. */
function scanQuotes(text: string, from: number, quote: string, esc: string): string {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") { if (c === "'") quote = ''; continue; }
    if (c === esc) { i++; continue; }
    if (quote === '"') { if (c === '"') quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
  }
  return quote;
}

/** The text ends with whitespace that separates words (an escaped blank, `\\ `, is part of a word). */
function endsWithBlank(text: string, esc: string): boolean {
  if (!/[ \t]$/.test(text)) return false;
  let n = 0;
  for (let i = text.length - 2; i >= 0 && text[i] === esc; i--) n++;
  return n % 2 === 0;
}

/** The line without its continuation escape (and the blanks after it). */
function withoutEscape(text: string, esc: string): string {
  return continues(text, esc) ? text.replace(/[ \t]+$/, '').slice(0, -1) : text;
}

/** The line ends with the escape character (before trailing blanks): the instruction continues. */
function continues(text: string, esc: string): boolean {
  const t = text.replace(/[ \t]+$/, '');
  if (!t.endsWith(esc)) return false;
  // An escaped escape character (`\\`) at the end is a literal, not a continuation.
  let n = 0;
  for (let i = t.length - 1; i >= 0 && t[i] === esc; i--) n++;
  return n % 2 === 1;
}

function uppercaseEdits(token: { value: string; range: Range }, line: string): TextEdit[] {
  const { start, end } = token.range;
  if (start.line !== end.line) return [];
  const written = line.slice(start.character, end.character);
  const upper = written.toUpperCase();
  return written !== upper ? [edit(start.line, start.character, end.character, upper)] : [];
}

/** Keywords inside the arguments: FROM ... AS, HEALTHCHECK CMD / NONE. */
function innerKeywords(ins: Instruction): { value: string; range: Range }[] {
  if (ins.keyword === 'FROM' && ins.words.length >= 3 && ins.words[ins.words.length - 2].value.toLowerCase() === 'as') {
    return [ins.words[ins.words.length - 2]];
  }
  if (ins.keyword === 'HEALTHCHECK' && ins.words.length > 0 && /^(cmd|none)$/i.test(ins.words[0].value)) {
    return [ins.words[0]];
  }
  return [];
}

function instructionEdits(ast: DockerfileAst, ins: Instruction, indent: string, skip: Set<number>, wanted: LineFilter): TextEdit[] {
  const out: TextEdit[] = [];
  const first = ast.lines[ins.startLine] ?? '';
  if (wanted(ins.startLine)) {
    const lead = leadingBlanks(first);
    if (lead > 0 && ins.keywordToken.range.start.line === ins.startLine) out.push(edit(ins.startLine, 0, lead, ''));
    const keywords = [
      ...(ins.known ? [ins.keywordToken] : []),
      ...(ins.onbuild?.known ? [ins.onbuild.keywordToken] : []),
      ...innerKeywords(ins.onbuild ?? ins),
    ];
    for (const t of keywords) {
      for (const e of uppercaseEdits(t, ast.lines[t.range.start.line] ?? '')) {
        if (wanted(e.range.start.line)) out.push(e);
      }
    }
  }
  // Walk the continuation lines as the parser joins them: comment and blank lines drop out, the
  // rest are glued without a separator. A line may be re-indented only where that cannot change
  // the joined text's meaning: outside quotes, and where whitespace already separates it from what
  // came before (or it has leading whitespace of its own). A line holding nothing but the escape
  // joins its neighbours directly, so it is never indented.
  const esc = ast.escapeChar;
  const firstBody = withoutEscape(first, esc);
  let quote = scanQuotes(firstBody, ins.keywordToken.range.end.character, '', esc);
  let endsWithSpace = endsWithBlank(firstBody, esc);
  let continuing = continues(first, esc);
  for (let l = ins.startLine + 1; l <= ins.endLine && continuing; l++) {
    if (skip.has(l)) break; // the rest of the instruction is heredoc territory
    const text = ast.lines[l] ?? '';
    const lead = leadingBlanks(text);
    if (isBlank(text)) continue; // blank lines are left to the whitespace pass
    if (/^[ \t]*#/.test(text)) {
      // The parser drops comment lines inside an instruction: indenting them is always safe.
      if (wanted(l) && text.slice(0, lead) !== indent) out.push(edit(l, 0, lead, indent));
      continue;
    }
    const body = withoutEscape(text, esc);
    const allowed = quote === '' && (lead > 0 || endsWithSpace) && !isBlank(body);
    if (wanted(l) && allowed && text.slice(0, lead) !== indent) out.push(edit(l, 0, lead, indent));
    quote = scanQuotes(body, 0, quote, esc);
    if (body !== '') endsWithSpace = endsWithBlank(body, esc);
    continuing = continues(text, esc);
  }
  return out;
}

function trailingWhitespaceEdits(ast: DockerfileAst, skip: Set<number>, wanted: LineFilter): TextEdit[] {
  const out: TextEdit[] = [];
  for (let l = 0; l < ast.lines.length; l++) {
    if (skip.has(l) || !wanted(l)) continue;
    const text = ast.lines[l];
    const m = /[ \t]+$/.exec(text);
    if (m && m.index > 0) out.push(edit(l, m.index, text.length, ''));
  }
  return out;
}

function indentUnit(options: FormattingOptions): string {
  const size = Number.isInteger(options.tabSize) && options.tabSize > 0 && options.tabSize <= 16 ? options.tabSize : 4;
  return options.insertSpaces === false ? '\t' : ' '.repeat(size);
}

/** Sorted, and without two edits touching the same characters (a client rejects overlapping edits). */
function normalise(edits: TextEdit[]): TextEdit[] {
  edits.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  const out: TextEdit[] = [];
  for (const e of edits) {
    const last = out[out.length - 1];
    if (last && last.range.end.line === e.range.start.line && last.range.end.character > e.range.start.character) continue;
    out.push(e);
  }
  return out;
}

function format(ast: DockerfileAst, options: FormattingOptions, wanted: LineFilter): TextEdit[] {
  const skip = heredocLines(ast);
  const indent = indentUnit(options);
  const edits: TextEdit[] = [];
  for (const ins of ast.instructions) {
    if (ins.endLine < 0) continue;
    edits.push(...instructionEdits(ast, ins, indent, skip, wanted));
  }
  // Whitespace-only lines become empty; leading whitespace of an instruction's first line is handled above.
  for (const e of trailingWhitespaceEdits(ast, skip, wanted)) edits.push(e);
  const edited = new Set(edits.map((e) => e.range.start.line));
  for (let l = 0; l < ast.lines.length; l++) {
    const text = ast.lines[l];
    if (!skip.has(l) && wanted(l) && text.length > 0 && isBlank(text) && !edited.has(l)) {
      edits.push(edit(l, 0, text.length, ''));
    }
  }
  return normalise(edits);
}

export function formatDocument(ast: DockerfileAst, options: FormattingOptions): TextEdit[] {
  return format(ast, options, () => true);
}

/** Formats the lines the range touches (whole instructions' keywords only if their first line is in it). */
export function formatRange(ast: DockerfileAst, range: Range, options: FormattingOptions): TextEdit[] {
  const end = range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range.end.line;
  return format(ast, options, (l) => l >= range.start.line && l <= end);
}

/** After Enter: tidy the line just left, and indent the new line when the one above continues
 *  an instruction (the new line may not belong to it yet: the parser ends an instruction at EOF). */
export function formatOnType(ast: DockerfileAst, line: number, options: FormattingOptions): TextEdit[] {
  const edits = format(ast, options, (l) => l === line - 1);
  const text = ast.lines[line];
  const above = ast.lines[line - 1];
  if (text !== undefined && above !== undefined && isBlank(text) && continues(above, ast.escapeChar) && !heredocLines(ast).has(line - 1)) {
    const indent = indentUnit(options);
    if (text !== indent) edits.push(edit(line, 0, text.length, indent));
  }
  return normalise(edits);
}
