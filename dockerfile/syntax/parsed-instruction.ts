// The parser's Instruction objects. A class rather than object literals with properties defined
// onto them later: the lazily split `words`, the link from argsText back to the source and the
// cached typed view are fields every instruction has from the start, so all instructions share
// one shape and nothing is added per object (three Object.defineProperty calls per instruction
// cost more than building the instruction itself).
import type { Flag, Heredoc, Instruction, JsonForm, Range, Token } from './ast.js';
import type { LogicalLine } from './source.js';
import { scanWords } from './words.js';

/** Where argsText came from: offsets [argsStart, argsEnd) of a logical line. */
export interface ArgsLink {
  readonly logical: LogicalLine;
  readonly argsStart: number;
  readonly argsEnd: number;
  /** The escape character's code, for splitting words. */
  readonly escape: number;
}

export type InstructionFields = Omit<Instruction, 'words' | 'emptyContinuationLines'>;

export class ParsedInstruction implements Instruction {
  keyword: string;
  known: boolean;
  keywordToken: Token;
  range: Range;
  flags: readonly Flag[];
  argsText: string;
  argsRange: Range | null;
  json: JsonForm | null;
  heredocs: readonly Heredoc[];
  onbuild: Instruction | null;
  stageIndex: number;
  startLine: number;
  endLine: number;
  /** Set by the parser only when there are some (absent otherwise, as Instruction says). */
  declare emptyContinuationLines?: readonly number[];
  readonly #link: ArgsLink;
  #words: readonly Token[] | null = null;
  #view: unknown = undefined;

  constructor(f: InstructionFields, link: ArgsLink) {
    this.keyword = f.keyword;
    this.known = f.known;
    this.keywordToken = f.keywordToken;
    this.range = f.range;
    this.flags = f.flags;
    this.argsText = f.argsText;
    this.argsRange = f.argsRange;
    this.json = f.json;
    this.heredocs = f.heredocs;
    this.onbuild = f.onbuild;
    this.stageIndex = f.stageIndex;
    this.startLine = f.startLine;
    this.endLine = f.endLine;
    this.#link = link;
  }

  /** argsText split by scanWords, with ranges; computed on first read (most RUN words never are). */
  get words(): readonly Token[] {
    if (this.#words === null) {
      const { logical, argsStart, argsEnd, escape } = this.#link;
      this.#words = scanWords(logical.text, argsStart, argsEnd, escape)
        .map((w) => ({ value: logical.text.slice(w.start, w.end), range: logical.rangeOf(w.start, w.end) }));
    }
    return this.#words;
  }

  /** The typed view (syntax/instructions.ts), built by `build` on first use. */
  view<T>(build: (ins: Instruction) => T): T {
    if (this.#view === undefined) this.#view = build(this);
    return this.#view as T;
  }

  /** The source link of a parsed instruction; undefined for one built by hand. */
  static linkOf(ins: Instruction): ArgsLink | undefined {
    return ins instanceof ParsedInstruction ? ins.#link : undefined;
  }
}
