// Ranges for pieces of an instruction's argsText. argsText has its line continuations removed,
// so an offset in it maps to a source position through the logical line it came from; the
// parser records that link here. Instructions built by hand (tests) fall back to counting
// from argsRange.start on one line.
import type { Instruction, Range } from './ast.js';
import type { LogicalLine } from './source.js';

// A hidden (non-enumerable) property rather than a WeakMap: thousands of WeakMap entries per
// parse made garbage collection the largest cost of parsing.
const LINK = Symbol('berth.argsLink');
interface Link { logical: LogicalLine; argsStart: number }

export function linkArgs(ins: Instruction, logical: LogicalLine, argsStart: number): void {
  if (Object.isExtensible(ins)) Object.defineProperty(ins, LINK, { value: { logical, argsStart }, enumerable: false });
}

/** Range of argsText[start, end). */
export function argsSpanRange(ins: Instruction, start: number, end: number): Range {
  const link = (ins as unknown as Record<symbol, Link | undefined>)[LINK];
  if (link) return link.logical.rangeOf(link.argsStart + start, link.argsStart + end);
  const base = ins.argsRange?.start ?? ins.keywordToken.range.end;
  return {
    start: { line: base.line, character: base.character + start },
    end: { line: base.line, character: base.character + end },
  };
}
