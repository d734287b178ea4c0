// The three ways BuildKit cuts an instruction's text into pieces, with offsets kept:
// builder flags (`--name=value` before the arguments), quote-aware words (ENV, LABEL, ARG)
// and plain whitespace splitting (FROM, EXPOSE, shell-form COPY/ADD/VOLUME).
import { isBlank, isSpace } from './source.js';

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A `--flag` word: offsets into the logical line, and its text with quotes and escapes removed. */
export interface RawFlag extends Span {
  readonly decoded: string;
  /** Offset in the logical line of each decoded UTF-16 unit. */
  readonly offsets: readonly number[];
}

export interface FlagScan {
  readonly flags: RawFlag[];
  /** Where the arguments start (after the flags and any `--` separator). */
  readonly argsStart: number;
}

const DASH = 0x2d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** BuildKit's extractBuilderFlags: leading words starting with `--`; quotes group, the escape char escapes. */
export function scanFlags(text: string, from: number, to: number, escape: number): FlagScan {
  const flags: RawFlag[] = [];
  let pos = from;
  for (;;) {
    while (pos < to && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= to) return { flags, argsStart: to };
    if (text.charCodeAt(pos) !== DASH || pos + 1 >= to || text.charCodeAt(pos + 1) !== DASH) {
      return { flags, argsStart: pos };
    }
    const start = pos;
    let decoded = '';
    const offsets: number[] = [];
    let quote = 0;
    for (; pos < to; pos++) {
      const ch = text.charCodeAt(pos);
      if (quote === 0) {
        if (isSpace(ch)) break;
        if (ch === SQUOTE || ch === DQUOTE) { quote = ch; continue; }
      } else if (ch === quote) {
        quote = 0;
        continue;
      }
      let at = pos;
      if (ch === escape) {
        if (pos + 1 >= to) continue;
        pos++;
        at = pos;
      }
      decoded += text[at];
      offsets.push(at);
    }
    if (decoded === '--') {
      return { flags, argsStart: pos };
    }
    flags.push({ start, end: pos, decoded, offsets });
  }
}

/**
 * BuildKit's parseWords: split on unquoted whitespace; quotes and escapes stay in the word.
 * An escape char at the very end is dropped, as BuildKit does.
 */
export function scanWords(text: string, from: number, to: number, escape: number): Span[] {
  const words: Span[] = [];
  let pos = from;
  while (pos < to) {
    while (pos < to && isSpace(text.charCodeAt(pos))) pos++;
    if (pos >= to) break;
    const start = pos;
    let end = pos;
    let quote = 0;
    let blankOk = false;
    while (pos < to) {
      const ch = text.charCodeAt(pos);
      if (quote === 0) {
        if (isSpace(ch)) break;
        if (ch === SQUOTE || ch === DQUOTE) { quote = ch; blankOk = true; }
        if (ch === escape) {
          if (pos + 1 >= to) { pos++; break; }
          pos += 2;
          end = pos;
          continue;
        }
        pos++;
        end = pos;
        continue;
      }
      if (ch === quote) {
        quote = 0;
        pos++;
        end = pos;
        continue;
      }
      if (ch === escape && quote !== SQUOTE) {
        if (pos + 1 >= to) { pos++; quote = 0; break; }
        pos += 2;
        end = pos;
        continue;
      }
      pos++;
      end = pos;
    }
    if (end > start || blankOk) words.push({ start, end });
  }
  return words;
}

/** BuildKit's `[\t\v\f\r ]+` split, used where quotes mean nothing to the parser. */
export function splitBlank(text: string, from: number, to: number): Span[] {
  const out: Span[] = [];
  let pos = from;
  while (pos < to) {
    while (pos < to && isBlank(text.charCodeAt(pos))) pos++;
    if (pos >= to) break;
    const start = pos;
    while (pos < to && !isBlank(text.charCodeAt(pos))) pos++;
    out.push({ start, end: pos });
  }
  return out;
}
