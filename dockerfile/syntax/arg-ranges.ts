// Ranges for pieces of an instruction's argsText. argsText has its line continuations removed,
// so an offset in it maps to a source position through the logical line it came from, which
// the parser keeps on each instruction. Instructions built by hand (tests) fall back to counting
// from argsRange.start on one line.
import type { Instruction, Range } from './ast.js';
import { ParsedInstruction } from './parsed-instruction.js';

/** Range of argsText[start, end). */
export function argsSpanRange(ins: Instruction, start: number, end: number): Range {
  const link = ParsedInstruction.linkOf(ins);
  if (link) return link.logical.rangeOf(link.argsStart + start, link.argsStart + end);
  const base = ins.argsRange?.start ?? ins.keywordToken.range.end;
  return {
    start: { line: base.line, character: base.character + start },
    end: { line: base.line, character: base.character + end },
  };
}
