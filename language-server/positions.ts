// Position arithmetic on the parse tree's LSP-shaped ranges, shared by the features.
import type { Position, Range } from '../dockerfile/syntax/ast';

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

/** `pos` lies in `range`, both ends included (a cursor right after a word still "is on" it). */
export function contains(range: Range, pos: Position): boolean {
  return comparePositions(range.start, pos) <= 0 && comparePositions(pos, range.end) <= 0;
}

/** The two ranges share at least one position. */
export function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export function sameRange(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.start) === 0 && comparePositions(a.end, b.end) === 0;
}

export function range(line: number, start: number, endLine: number, end: number): Range {
  return { start: { line, character: start }, end: { line: endLine, character: end } };
}

/** A valid position from client input: integers, not negative (bad input would otherwise throw later). */
export function isPosition(p: unknown): p is Position {
  const q = p as Position | null | undefined;
  return !!q && Number.isInteger(q.line) && Number.isInteger(q.character) && q.line >= 0 && q.character >= 0;
}
