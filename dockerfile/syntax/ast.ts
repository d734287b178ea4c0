// The parse tree shared by the builder (runtime/builder) and the linter/language server.
// Positions are LSP-shaped on purpose (0-based line, UTF-16 character offset) so the
// language server hands them to the client untouched, and the builder turns them into
// "line N" messages by adding one.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** A piece of source text with where it came from. `value` is the text as written
 *  (line continuations removed, quotes kept); `range` covers it in the document. */
export interface Token {
  readonly value: string;
  readonly range: Range;
}

/** `# syntax=...`, `# escape=...`, `# check=...` at the very top of the file. */
export interface Directive {
  /** Lower-cased name. Unknown names are kept too (BuildKit ignores them, the linter may not). */
  readonly name: string;
  readonly value: string;
  readonly range: Range;
  readonly nameRange: Range;
  readonly valueRange: Range;
}

export interface Comment {
  /** Text after the `#`, untrimmed. */
  readonly text: string;
  readonly range: Range;
}

/** `--name=value` or `--name` before an instruction's arguments. */
export interface Flag {
  /** Name without the dashes, as written (case kept). */
  readonly name: string;
  readonly nameRange: Range;
  /** null for a bare `--flag` with no `=`. */
  readonly value: string | null;
  readonly valueRange: Range | null;
  readonly range: Range;
}

/** A heredoc body attached to RUN, COPY or ADD (`<<EOF`, `<<-EOF`, `<<"EOF"`). */
export interface Heredoc {
  /** The delimiter word without quotes or `-`. */
  readonly name: string;
  /** `<<-`: leading tabs are stripped from body lines. */
  readonly chomp: boolean;
  /** The delimiter was quoted: the body is not expanded. */
  readonly quoted: boolean;
  /** The body, lines joined with "\n", with a trailing "\n" as BuildKit gives it. */
  readonly content: string;
  /** Where `<<EOF` stands in the instruction line. */
  readonly markerRange: Range;
  /** The body lines only (empty range at the terminator when the body is empty). */
  readonly contentRange: Range;
  /** The terminator line; null when the file ended before it (a syntax error is recorded). */
  readonly terminatorRange: Range | null;
}

/** Exec (JSON array) form of RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME/HEALTHCHECK CMD. */
export interface JsonForm {
  /** Decoded strings. */
  readonly values: readonly string[];
  /** Range of each string literal, quotes included. */
  readonly ranges: readonly Range[];
  readonly range: Range;
}

export type InstructionKeyword =
  | 'FROM' | 'RUN' | 'CMD' | 'LABEL' | 'MAINTAINER' | 'EXPOSE' | 'ENV' | 'ADD' | 'COPY'
  | 'ENTRYPOINT' | 'VOLUME' | 'USER' | 'WORKDIR' | 'ARG' | 'ONBUILD' | 'STOPSIGNAL'
  | 'HEALTHCHECK' | 'SHELL';

export interface Instruction {
  /** Upper-cased keyword as written; may be an unknown word (then `known` is false). */
  readonly keyword: string;
  readonly known: boolean;
  readonly keywordToken: Token;
  /** Whole instruction: keyword to the end of its last continuation line, heredoc bodies included. */
  readonly range: Range;
  readonly flags: readonly Flag[];
  /** Argument text after the flags, continuations joined (BuildKit keeps the text, drops `\`+newline). */
  readonly argsText: string;
  /** Range from the first argument character to the last (null when there are no arguments). */
  readonly argsRange: Range | null;
  /** Arguments split on unquoted whitespace, quotes kept in `value`, each with its range. */
  readonly words: readonly Token[];
  /** Set when the arguments are a valid JSON array of strings (exec form). */
  readonly json: JsonForm | null;
  readonly heredocs: readonly Heredoc[];
  /** For ONBUILD: the instruction it wraps (ranges point into the same document). */
  readonly onbuild: Instruction | null;
  /** Index into DockerfileAst.stages; -1 before the first FROM. */
  readonly stageIndex: number;
  /** Physical source lines this instruction spans (0-based, inclusive), for pragma placement. */
  readonly startLine: number;
  readonly endLine: number;
  /** Empty lines inside this instruction's line continuation (BuildKit skips them and warns:
   *  NoEmptyContinuation). Absent when there are none. */
  readonly emptyContinuationLines?: readonly number[];
}

export interface Stage {
  readonly index: number;
  /** The name after `AS`, as written (case kept); null when unnamed. */
  readonly name: Token | null;
  /** The base image word as written, before expansion (may be `scratch`, a stage name or `$VAR`). */
  readonly base: Token | null;
  readonly from: Instruction;
  /** Instructions after FROM up to the next FROM (FROM itself excluded). */
  readonly instructions: readonly Instruction[];
  readonly range: Range;
}

export type SyntaxErrorCode =
  | 'unknown-instruction'
  | 'missing-arguments'
  | 'bad-flag'
  | 'bad-directive'
  | 'unterminated-heredoc'
  | 'unterminated-quote'
  | 'bad-json'
  | 'instruction-before-from'
  | 'empty-continuation'
  | 'other';

/** Something the builder would reject, found while parsing. The linter reports these
 *  as errors; the builder stops at the first one. */
export interface SyntaxError {
  readonly code: SyntaxErrorCode;
  readonly message: string;
  readonly range: Range;
}

export interface DockerfileAst {
  readonly text: string;
  /** Physical lines (no terminators). */
  readonly lines: readonly string[];
  readonly escapeChar: '\\' | '`';
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  /** Every instruction in order, including ARGs before the first FROM. */
  readonly instructions: readonly Instruction[];
  /** ARG instructions before the first FROM (global scope). */
  readonly globalArgs: readonly Instruction[];
  readonly stages: readonly Stage[];
  readonly errors: readonly SyntaxError[];
}
