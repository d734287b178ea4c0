// Physical lines of a Dockerfile and the "logical line" an instruction is read from.
// BuildKit joins continuation lines before parsing an instruction; we join them too but
// remember where every character came from, so ranges point at the source as written.
import type { Position, Range } from './ast.js';

/** Splits on `\r\n`, `\n` and lone `\r`, the line breaks LSP clients count. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Go's unicode.IsSpace, which BuildKit uses to trim and split. */
export function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return code === 0x85 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
    || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000;
}

/** BuildKit's `[\t\v\f\r ]`, the only whitespace that separates a keyword from its arguments. */
export function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d;
}

export function skipSpace(s: string, from: number, to = s.length): number {
  let i = from;
  while (i < to && isSpace(s.charCodeAt(i))) i++;
  return i;
}

export function trimEndSpace(s: string, from: number, to = s.length): number {
  let j = to;
  while (j > from && isSpace(s.charCodeAt(j - 1))) j--;
  return j;
}

export function position(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

/**
 * The text of one instruction with its continuations joined, and a map from each offset
 * back to (line, character). Segments are appended in order; offsets are UTF-16 units.
 */
export class LogicalLine {
  text = '';
  private readonly segStart: number[] = [];
  private readonly segLine: number[] = [];
  private readonly segChar: number[] = [];

  append(piece: string, line: number, character: number): void {
    if (piece.length === 0) return;
    this.segStart.push(this.text.length);
    this.segLine.push(line);
    this.segChar.push(character);
    this.text += piece;
  }

  private segmentOf(offset: number): number {
    // Binary search: the last segment starting at or before offset.
    let lo = 0;
    let hi = this.segStart.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segStart[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Where the character at `offset` stands (offset may equal text.length: just after the last one). */
  positionAt(offset: number): Position {
    if (this.segStart.length === 0) return { line: 0, character: 0 };
    if (offset >= this.text.length && offset > 0) {
      const p = this.positionAt(this.text.length - 1);
      return { line: p.line, character: p.character + 1 + (offset - this.text.length) };
    }
    const s = this.segmentOf(offset);
    return { line: this.segLine[s], character: this.segChar[s] + (offset - this.segStart[s]) };
  }

  /** Range of text[start, end): an end at a segment boundary stays on the earlier line. */
  rangeOf(start: number, end: number): Range {
    const startPos = this.positionAt(start);
    if (end <= start) return { start: startPos, end: startPos };
    const last = this.positionAt(end - 1);
    return { start: startPos, end: { line: last.line, character: last.character + 1 } };
  }
}
