// Where an instruction mentions a variable (`$NAME`, `${NAME}`, `${NAME:-word}`), with the range
// of the name, and where ARG and ENV declare one. Highlighting, hover, definition, references and
// rename all start here.
import type { DockerfileAst, Instruction, Range, Token } from '../dockerfile/syntax/ast';

export interface VariableRef {
  readonly name: string;
  /** The name only (what rename replaces). */
  readonly range: Range;
  /** `$NAME` or the whole `${...}`. */
  readonly fullRange: Range;
  readonly instruction: Instruction;
}

export interface VariableDecl {
  readonly name: string;
  readonly range: Range;
  /** Default (ARG) or value (ENV) as written; null for `ARG NAME`. */
  readonly value: string | null;
  readonly instruction: Instruction;
  readonly kind: 'ARG' | 'ENV';
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

function pos(line: number, character: number) {
  return { line, character };
}

/** Lines of heredoc bodies in an instruction; quotes there are the script's business. */
function heredocBodyLines(ins: Instruction): Set<number> {
  const out = new Set<number>();
  for (const h of ins.heredocs) {
    for (let l = h.markerRange.start.line + 1; l <= (h.terminatorRange ?? h.contentRange).end.line; l++) out.add(l);
  }
  return out;
}

/** Scans one line from `from`; `state.quote` carries single-quote state across continuation lines.
 *  One pass: a stack pairs each `${` with its `}` (nested `${A:-${B}}` included), unclosed ones end
 *  at the end of the line. */
function scanLine(
  text: string, line: number, from: number, esc: string, honourQuotes: boolean, state: { quote: boolean },
  ins: Instruction, out: VariableRef[],
): void {
  const open: number[] = []; // index into `out` for `${`, -1 for a plain `{`
  const first = out.length;
  const ends = new Map<number, number>();
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (state.quote) { if (c === "'") state.quote = false; continue; }
    if (c === esc) { i++; continue; }
    if (c === "'" && honourQuotes) { state.quote = true; continue; }
    if (c === '{') { open.push(-1); continue; }
    if (c === '}') {
      const k = open.pop();
      if (k !== undefined && k >= 0) ends.set(k, i + 1);
      continue;
    }
    if (c !== '$') continue;
    const next = text[i + 1];
    if (next === '{') {
      const s = i + 2;
      let e = s;
      while (e < text.length && NAME_CHAR.test(text[e])) e++;
      if (e === s || !NAME_START.test(text[s])) continue;
      open.push(out.length);
      out.push({ name: text.slice(s, e), range: { start: pos(line, s), end: pos(line, e) }, fullRange: { start: pos(line, i), end: pos(line, text.length) }, instruction: ins });
      // Words inside a modifier (`${A:-$B}`) can mention variables too: keep scanning from the name's end.
      i = e - 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      let e = i + 2;
      while (e < text.length && NAME_CHAR.test(text[e])) e++;
      out.push({ name: text.slice(i + 1, e), range: { start: pos(line, i + 1), end: pos(line, e) }, fullRange: { start: pos(line, i), end: pos(line, e) }, instruction: ins });
      i = e - 1;
    }
  }
  for (const [k, end] of ends) {
    if (k >= first) out[k] = { ...out[k], fullRange: { start: out[k].fullRange.start, end: pos(line, end) } };
  }
}

/** Variable mentions in an instruction's arguments, flags and heredoc bodies (not its comments). */
export function variableRefs(ast: DockerfileAst, ins: Instruction): VariableRef[] {
  const out: VariableRef[] = [];
  const esc = ast.escapeChar;
  const bodies = heredocBodyLines(ins.onbuild ?? ins);
  const quoted = new Set<number>();
  for (const h of (ins.onbuild ?? ins).heredocs) {
    if (h.quoted) for (let l = h.markerRange.start.line + 1; l <= (h.terminatorRange ?? h.contentRange).end.line; l++) quoted.add(l);
  }
  const honourQuotes = !(ins.onbuild ?? ins).json;
  const state = { quote: false };
  for (let l = ins.startLine; l <= ins.endLine; l++) {
    const text = ast.lines[l];
    if (text === undefined || quoted.has(l)) continue;
    const from = l === ins.keywordToken.range.start.line ? ins.keywordToken.range.end.character : 0;
    if (l !== ins.startLine && !bodies.has(l) && /^\s*#/.test(text)) continue;
    if (bodies.has(l)) {
      scanLine(text, l, 0, esc, false, { quote: false }, ins, out);
    } else {
      scanLine(text, l, from, esc, honourQuotes, state, ins, out);
    }
  }
  return out;
}

function declFromWord(w: Token, ins: Instruction, kind: 'ARG' | 'ENV'): VariableDecl | null {
  const eq = w.value.indexOf('=');
  const name = eq < 0 ? w.value : w.value.slice(0, eq);
  if (!name || !NAME_START.test(name[0]) || ![...name].every((c) => NAME_CHAR.test(c))) return null;
  const { start } = w.range;
  return { name, range: { start, end: { line: start.line, character: start.character + name.length } }, value: eq < 0 ? null : w.value.slice(eq + 1), instruction: ins, kind };
}

/** The variables an ARG or ENV declares (`ENV key value` legacy form included). */
export function variableDecls(ins: Instruction): VariableDecl[] {
  if (ins.keyword !== 'ARG' && ins.keyword !== 'ENV') return [];
  const kind = ins.keyword;
  if (kind === 'ENV' && ins.words.length > 0 && !ins.words[0].value.includes('=')) {
    const d = declFromWord(ins.words[0], ins, kind);
    if (!d) return [];
    const rest = ins.argsText.slice(ins.argsText.indexOf(ins.words[0].value) + ins.words[0].value.length).trim();
    return [{ ...d, value: rest }];
  }
  return ins.words.flatMap((w) => declFromWord(w, ins, kind) ?? []);
}
