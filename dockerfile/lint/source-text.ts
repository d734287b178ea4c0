// Text the linter analyses (a RUN's shell command, a heredoc body) together with a map from
// every offset in it back to the document. A RUN's command is what BuildKit hands the shell:
// continuation lines joined with the escape character and newline removed, comment lines and
// blank lines inside the continuation dropped. Findings and fixes need the real position of
// each character, so the map keeps one segment per physical line piece.
import type { DockerfileAst, Heredoc, Instruction, JsonForm, Position } from '../syntax/ast';

interface Segment {
  /** Offset in `text` where the piece starts. */
  readonly offset: number;
  readonly line: number;
  readonly character: number;
}

export class SourceText {
  constructor(readonly text: string, private readonly segments: readonly Segment[]) {}

  /** Document position of `offset` (0 <= offset <= text.length). */
  positionAt(offset: number): Position {
    const segs = this.segments;
    if (segs.length === 0) return { line: 0, character: 0 };
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo];
    return { line: s.line, character: s.character + (offset - s.offset) };
  }

  rangeOf(start: number, end: number): { start: Position; end: Position } {
    // An end exactly at a segment boundary belongs to the earlier piece (end of its line).
    return { start: this.positionAt(start), end: end > start ? this.endPositionAt(end) : this.positionAt(end) };
  }

  private endPositionAt(offset: number): Position {
    const p = this.positionAt(offset - 1);
    return { line: p.line, character: p.character + 1 };
  }
}

const blankOrComment = /^\s*(#.*)?$/;

/** The arguments of a shell-form instruction as one logical line (BuildKit's view), mapped. */
export function argumentSource(ast: DockerfileAst, instr: Instruction): SourceText | null {
  if (!instr.argsRange) return null;
  const esc = ast.escapeChar;
  let line = instr.argsRange.start.line;
  let col = instr.argsRange.start.character;
  const last = Math.min(instr.endLine, ast.lines.length - 1);
  const segments: Segment[] = [];
  let text = '';
  for (;;) {
    const raw = ast.lines[line] ?? '';
    const piece = raw.slice(col);
    const m = continuation(piece, esc);
    segments.push({ offset: text.length, line, character: col });
    if (m === -1 || line >= last) {
      text += m === -1 ? piece : piece.slice(0, m);
      break;
    }
    text += piece.slice(0, m);
    line++;
    col = 0;
    // BuildKit drops comment and blank lines inside a continued instruction.
    while (line < last && blankOrComment.test(ast.lines[line] ?? '')) line++;
    if (line > last) break;
  }
  return new SourceText(text, segments);
}

/** Index of the escape character that continues this line, or -1. */
function continuation(piece: string, esc: string): number {
  let end = piece.length;
  while (end > 0 && (piece[end - 1] === ' ' || piece[end - 1] === '\t' || piece[end - 1] === '\r')) end--;
  if (end === 0 || piece[end - 1] !== esc) return -1;
  // An escaped escape character (`\\`) at the end is a literal, not a continuation.
  let n = 0;
  for (let i = end - 1; i >= 0 && piece[i] === esc; i--) n++;
  return n % 2 === 1 ? end - 1 : -1;
}

/** A heredoc body as the script it is, each line mapped to its document line. */
export function heredocSource(ast: DockerfileAst, doc: Heredoc): SourceText {
  const segments: Segment[] = [];
  const lines = doc.content.endsWith('\n') ? doc.content.slice(0, -1).split('\n') : doc.content.split('\n');
  let offset = 0;
  lines.forEach((l, i) => {
    const docLine = doc.contentRange.start.line + i;
    const physical = ast.lines[docLine] ?? l;
    // `<<-` strips leading tabs: the body line starts that many characters in.
    const shift = Math.max(0, physical.length - l.length);
    segments.push({ offset, line: docLine, character: doc.chomp ? shift : 0 });
    offset += l.length + 1;
  });
  return new SourceText(doc.content, segments);
}

/** Exec form joined with spaces, each value mapped inside its string literal. */
export function jsonSource(json: JsonForm): SourceText {
  const segments: Segment[] = [];
  let text = '';
  json.values.forEach((v, i) => {
    if (i > 0) text += ' ';
    const r = json.ranges[i];
    segments.push({ offset: text.length, line: r.start.line, character: r.start.character + 1 });
    text += v;
  });
  return new SourceText(text, segments);
}
