// Variable substitution by BuildKit's shell-lexer rules (frontend/dockerfile/shell): `$a`, `${a}`,
// `${a:-b}`, `${a-b}`, `${a:+b}`, `${a+b}`, `${a:?msg}`, `${a?msg}`, `${a#p}`, `${a##p}`, `${a%p}`,
// `${a%%p}`, `${a/p/r}`, `${a//p/r}`; single and double quotes; the escape char. This is not a
// shell: no command substitution, no arithmetic, no globbing, exactly as BuildKit.
import { replacePattern, trimPrefix, trimSuffix } from './shell-pattern.js';

/** Returns the variable's value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface LexOptions {
  /** Leave `$name` / `${name...}` as written when `name` is unset (BuildKit's SkipUnsetEnv). */
  readonly skipUnset?: boolean;
  /** Keep quote characters in the result (BuildKit's RawQuotes). */
  readonly rawQuotes?: boolean;
  /** Keep escape characters in the result (BuildKit's RawEscapes). */
  readonly rawEscapes?: boolean;
}

export interface ExpansionError {
  /** Readable on its own: `failed to process "${a:?}": a: is not allowed to be unset`. */
  readonly message: string;
  /** The problem without the "failed to process" prefix. */
  readonly reason: string;
  /** Offset in the word where the lexer stopped (UTF-16 units). */
  readonly offset: number;
}

interface Success {
  readonly ok: true;
  /** Names looked up and found, in first-use order. */
  readonly resolved: readonly string[];
  /** Names looked up and not set, in first-use order (what UndefinedVar reports). */
  readonly unresolved: readonly string[];
}
export type WordResult = (Success & { readonly value: string }) | { readonly ok: false; readonly error: ExpansionError };
export type WordsResult = (Success & { readonly words: readonly string[] }) | { readonly ok: false; readonly error: ExpansionError };

const EOF = -1;

class LexError extends Error {}

/** Word splitting as BuildKit's wordsStruct does it: only characters that came from a `$`
 *  expansion or were unquoted split on whitespace; quoted text is glued in raw. */
class WordCollector {
  words: string[] = [];
  private buf = '';
  private inWord = false;

  addChar(ch: string): void {
    if (isSpaceStr(ch)) {
      if (this.inWord && this.buf.length !== 0) {
        this.words.push(this.buf);
        this.buf = '';
        this.inWord = false;
      }
    } else {
      this.addRaw(ch);
    }
  }

  addRaw(s: string): void {
    this.buf += s;
    this.inWord = true;
  }

  addString(s: string): void {
    for (const ch of s) this.addChar(ch);
  }

  finish(): string[] {
    if (this.buf.length > 0) {
      this.words.push(this.buf);
      this.buf = '';
      this.inWord = false;
    }
    return this.words;
  }
}

function isSpaceStr(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028
    || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

class Lexer {
  private pos = 0;
  private rawEscapes: boolean;
  readonly resolved = new Set<string>();
  readonly unresolved = new Set<string>();

  constructor(
    private readonly src: string,
    private readonly escape: string,
    private readonly lookup: Lookup,
    private readonly opts: LexOptions,
  ) {
    this.rawEscapes = opts.rawEscapes ?? false;
  }

  get offset(): number {
    return this.pos;
  }

  private peek(): string | typeof EOF {
    if (this.pos >= this.src.length) return EOF;
    const c = this.src.codePointAt(this.pos)!;
    return String.fromCodePoint(c);
  }

  private next(): string | typeof EOF {
    const ch = this.peek();
    if (ch !== EOF) this.pos += ch.length;
    return ch;
  }

  private getEnv(name: string): string | undefined {
    const v = this.lookup(name);
    if (v === undefined) {
      if (!this.resolved.has(name)) this.unresolved.add(name);
    } else {
      this.resolved.add(name);
    }
    return v;
  }

  /** Where the run of characters from `pos` that stand for themselves ends. */
  private plainEnd(stop: string | typeof EOF): number {
    const src = this.src;
    const esc = this.escape.charCodeAt(0);
    const stopCode = stop === EOF ? -1 : stop.charCodeAt(0);
    let k = this.pos;
    for (; k < src.length; k++) {
      const c = src.charCodeAt(k);
      if (c === 0x24 /* $ */ || c === 0x27 /* ' */ || c === 0x22 /* " */ || c === esc || c === stopCode) break;
    }
    return k;
  }

  /** Reads up to `stop` (consumed) or the end; returns the text, and its words when `words` is given. */
  processStopOn(stop: string | typeof EOF, rawEscapes: boolean, words: WordCollector | null = null): string {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      let result = '';
      for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
        // Without words to split, plain text is copied a run at a time, not a character at a time.
        if (words === null) {
          const end = this.plainEnd(stop);
          if (end > this.pos) {
            result += this.src.slice(this.pos, end);
            this.pos = end;
            continue;
          }
        }
        if (stop !== EOF && ch === stop) {
          this.next();
          return result;
        }
        if (ch === '$') {
          const tmp = this.processDollar();
          result += tmp;
          words?.addString(tmp);
          continue;
        }
        if (ch === '<') {
          const tmp = this.processPossibleHeredoc();
          result += tmp;
          words?.addRaw(tmp);
          continue;
        }
        if (ch === "'") {
          const tmp = this.processSingleQuote();
          result += tmp;
          words?.addRaw(tmp);
          continue;
        }
        if (ch === '"') {
          const tmp = this.processDoubleQuote();
          result += tmp;
          words?.addRaw(tmp);
          continue;
        }
        this.next();
        if (ch === this.escape) {
          if (this.rawEscapes) {
            words?.addRaw(ch);
            result += ch;
          }
          const escaped = this.next();
          if (escaped === EOF) break;
          words?.addRaw(escaped);
          result += escaped;
          continue;
        }
        words?.addChar(ch);
        result += ch;
      }
      if (stop !== EOF) throw new LexError(`unexpected end of statement while looking for matching ${stop}`);
      return result;
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    // Everything up to the next ' is literal; a ' cannot be escaped inside.
    let result = '';
    const open = this.next() as string;
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.next();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    // Literal except `$`; the escape char escapes only `"`, `$` and itself.
    let result = '';
    const open = this.next() as string;
    if (this.opts.rawQuotes) result += open;
    for (;;) {
      const ch = this.peek();
      if (ch === EOF) throw new LexError('unexpected end of statement while looking for matching double-quote');
      if (ch === '"') {
        this.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (ch === '$') {
        result += this.processDollar();
        continue;
      }
      let out = this.next() as string;
      if (out === this.escape) {
        if (this.rawEscapes) result += out;
        const after = this.peek();
        if (after === EOF) continue;
        if (after === '"' || after === '$' || after === this.escape) out = this.next() as string;
      }
      result += out;
    }
  }

  private processPossibleHeredoc(): string {
    this.next();
    if (this.peek() !== '<') return '<';
    this.next();
    let space = '';
    for (let ch = this.peek(); ch === ' ' || ch === '\t' || ch === '\r'; ch = this.peek()) {
      space += ch;
      this.next();
    }
    return '<<' + space;
  }

  private processName(): string {
    let name = '';
    for (let ch = this.peek(); ch !== EOF; ch = this.peek()) {
      if (name.length === 0 && DIGIT.test(ch)) {
        for (let d = this.peek(); d !== EOF && DIGIT.test(d); d = this.peek()) name += this.next();
        return name;
      }
      if (name.length === 0 && SPECIAL_PARAMS.has(ch)) {
        this.next();
        return ch;
      }
      if (!LETTER.test(ch) && !DIGIT.test(ch) && ch !== '_') break;
      name += this.next();
    }
    return name;
  }

  private processDollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const value = this.getEnv(name);
      if (value === undefined && this.opts.skipUnset) return '$' + name;
      return value ?? '';
    }
    this.next();
    const first = this.peek();
    if (first === EOF) throw new LexError("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') throw new LexError('syntax error: bad substitution');
    const name = this.processName();
    let ch = this.next();
    if (ch === EOF) throw new LexError("syntax error: missing '}'");
    let chs: string = ch;
    switch (ch) {
      case '}': {
        const value = this.getEnv(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}}`;
        return value ?? '';
      }
      case ':':
      case '+':
      case '-':
      case '?':
      case '#':
      case '%': {
        const nullIsUnset = ch === ':';
        if (nullIsUnset) {
          ch = this.next();
          chs += ch === EOF ? '' : ch;
        }
        const patternLike = ch === '#' || ch === '%';
        if (nullIsUnset && patternLike) throw new LexError(`unsupported modifier (${chs}) in substitution`);
        const word = this.readUntil('}', patternLike, "syntax error: missing '}'");
        const value = this.getEnv(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}${chs}${word}}`;
        const set = value !== undefined;
        const val = value ?? '';
        switch (ch) {
          case '-':
            return !set || (nullIsUnset && val === '') ? word : val;
          case '+':
            return !set || (nullIsUnset && val === '') ? '' : word;
          case '?':
            if (!set) throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be unset'}`);
            if (nullIsUnset && val === '') throw new LexError(`${name}: ${word !== '' ? word : 'is not allowed to be empty'}`);
            return val;
          case '#':
          case '%': {
            let pattern = word;
            let greedy = false;
            if (pattern.startsWith(ch)) {
              greedy = true;
              pattern = pattern.slice(1);
            }
            const r = ch === '%' ? trimSuffix(pattern, val, greedy) : trimPrefix(pattern, val, greedy);
            if (!r.ok) throw new LexError(r.error);
            return r.value;
          }
          default:
            throw new LexError(`unsupported modifier (${chs}) in substitution`);
        }
      }
      case '/': {
        const all = this.peek() === '/';
        if (all) this.next();
        const pattern = this.readUntil('/', true, "syntax error: missing '/' in ${}");
        const replacement = this.readUntil('}', true, "syntax error: missing '}'");
        const value = this.getEnv(name);
        if (value === undefined && this.opts.skipUnset) return `\${${name}/${pattern}/${replacement}}`;
        const r = replacePattern(value ?? '', pattern, replacement, all);
        if (!r.ok) throw new LexError(r.error);
        return r.value;
      }
      default:
        throw new LexError(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private readUntil(stop: string, rawEscapes: boolean, atEof: string): string {
    try {
      return this.processStopOn(stop, rawEscapes);
    } catch (e) {
      if (e instanceof LexError && this.peek() === EOF) throw new LexError(atEof);
      throw e;
    }
  }
}

function run(word: string, escape: string, lookup: Lookup, opts: LexOptions, words: WordCollector | null):
  { ok: true; text: string; resolved: string[]; unresolved: string[] } | { ok: false; error: ExpansionError } {
  const lexer = new Lexer(word, escape, lookup, opts);
  try {
    const text = lexer.processStopOn(EOF, opts.rawEscapes ?? false, words);
    return { ok: true, text, resolved: [...lexer.resolved], unresolved: [...lexer.unresolved] };
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    return { ok: false, error: { message: `failed to process "${word}": ${e.message}`, reason: e.message, offset: lexer.offset } };
  }
}

/** Characters that make the lexer do anything but copy, per escape char. */
const ACTIVE: Record<'\\' | '`', RegExp> = { '\\': /[$'"\\]/, '`': /[$'"`]/ };

/** Expands one word without splitting it (ENV values, WORKDIR, COPY paths, ...). */
export function expandWord(word: string, lookup: Lookup, escapeChar: '\\' | '`' = '\\', opts: LexOptions = {}): WordResult {
  // Most words have no variable, quote or escape: they expand to themselves (linting expands
  // every ENV, ARG, COPY, ... word, so the lexer is skipped for them).
  if (!(ACTIVE[escapeChar] ?? /[$'"\\`]/).test(word)) return { ok: true, value: word, resolved: [], unresolved: [] };
  const r = run(word, escapeChar, lookup, opts, null);
  if (!r.ok) return r;
  return { ok: true, value: r.text, resolved: r.resolved, unresolved: r.unresolved };
}

/** Expands and splits into words the way BuildKit does for EXPOSE and heredoc detection:
 *  unquoted whitespace and whitespace produced by `$` expansions split; quoted text never does. */
export function expandWords(word: string, lookup: Lookup, escapeChar: '\\' | '`' = '\\', opts: LexOptions = {}): WordsResult {
  const words = new WordCollector();
  const r = run(word, escapeChar, lookup, opts, words);
  if (!r.ok) return r;
  return { ok: true, words: words.finish(), resolved: r.resolved, unresolved: r.unresolved };
}

/** A Lookup over a Map or plain record. */
export function lookupIn(vars: ReadonlyMap<string, string> | Readonly<Record<string, string>>): Lookup {
  if (vars instanceof Map) return (name) => vars.get(name);
  const rec = vars as Readonly<Record<string, string>>;
  return (name) => (Object.prototype.hasOwnProperty.call(rec, name) ? rec[name] : undefined);
}
