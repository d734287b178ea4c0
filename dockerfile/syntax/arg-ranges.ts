// Ranges for pieces of an instruction's argsText. argsText has its line continuations removed,
// so an offset in it maps to a source position through the logical line it came from; the
// parser records that link here. Instructions built by hand (tests) fall back to counting
// from argsRange.start on one line.
//
// The link also makes `words` lazy: most words are never read (the linter reads RUN commands
// through its shell parser, not as words), and building a token with its range for every word
// of every RUN line was the largest allocation of a parse.
import type { Instruction, Range, Token } from './ast.js';
import type { LogicalLine } from './source.js';
import { scanWords } from './words.js';

// A hidden (non-enumerable) property rather than a WeakMap: thousands of WeakMap entries per
// parse made garbage collection the largest cost of parsing.
const LINK = Symbol('berth.argsLink');
interface Link {
  readonly logical: LogicalLine;
  readonly argsStart: number;
  readonly argsEnd: number;
  readonly escape: number;
  words: readonly Token[] | null;
}

type Linked = Instruction & { readonly [LINK]?: Link };

/** The same getter for every instruction, so they all keep one shape. */
function lazyWords(this: Linked): readonly Token[] {
  const link = this[LINK]!;
  if (link.words === null) {
    const { logical } = link;
    link.words = scanWords(logical.text, link.argsStart, link.argsEnd, link.escape)
      .map((w) => ({ value: logical.text.slice(w.start, w.end), range: logical.rangeOf(w.start, w.end) }));
  }
  return link.words;
}

/** Records where argsText came from, and defines `words` (argsText split by scanWords, with ranges)
 *  to be computed on first read. `ins` must not have a `words` property yet. */
export function linkArgs(ins: Omit<Instruction, 'words'>, logical: LogicalLine, argsStart: number, argsEnd: number, escape: number): void {
  const link: Link = { logical, argsStart, argsEnd, escape, words: null };
  Object.defineProperty(ins, LINK, { value: link, enumerable: false });
  Object.defineProperty(ins, 'words', { get: lazyWords, enumerable: true, configurable: true });
}

/** Range of argsText[start, end). */
export function argsSpanRange(ins: Instruction, start: number, end: number): Range {
  const link = (ins as Linked)[LINK];
  if (link) return link.logical.rangeOf(link.argsStart + start, link.argsStart + end);
  const base = ins.argsRange?.start ?? ins.keywordToken.range.end;
  return {
    start: { line: base.line, character: base.character + start },
    end: { line: base.line, character: base.character + end },
  };
}
