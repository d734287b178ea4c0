// A POSIX-shell tokenizer good enough for linting RUN commands: words with their unquoted value
// and offsets, control operators, redirections (with their targets), comments, here-documents
// inside the script, and the spans of command substitutions so their commands are found too.
// It never throws: unterminated quotes or substitutions run to the end of the text.

export interface ShellWord {
  /** As written. */
  readonly raw: string;
  /** Quotes removed and backslash escapes resolved; expansions (`$x`, `$(…)`) kept as written. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
  /** Some part of the word was quoted or escaped. */
  readonly quoted: boolean;
}

export type ShellToken =
  | { readonly kind: 'word'; readonly word: ShellWord }
  | { readonly kind: 'op'; readonly op: string; readonly start: number; readonly end: number }
  | { readonly kind: 'redirect'; readonly op: string; readonly start: number; readonly end: number };

export interface LexResult {
  readonly tokens: readonly ShellToken[];
  /** Inner spans of `$(…)` and backquotes, for a nested parse. */
  readonly substitutions: readonly { readonly start: number; readonly end: number }[];
}

const BACKSLASH = 92;
const NEWLINE = 10;
const SQUOTE = 39;
const DQUOTE = 34;
const DOLLAR = 36;
const BACKQUOTE = 96;

const redirects = ['<<<', '<<-', '&>>', '<<', '>>', '>|', '>&', '<&', '<>', '&>', '>', '<'];

function redirectAt(text: string, i: number): string | null {
  const c = text[i];
  if (c !== '<' && c !== '>' && c !== '&') return null;
  if (c === '&' && text[i + 1] !== '>') return null;
  for (const r of redirects) if (text.startsWith(r, i)) return r;
  return null;
}

function operatorAt(text: string, i: number): string | null {
  const c = text[i];
  const d = text[i + 1];
  switch (c) {
    case '&': return d === '&' ? '&&' : '&';
    case '|': return d === '|' ? '||' : d === '&' ? '|&' : '|';
    case ';': return d === ';' ? ';;' : ';';
    case '(': case ')': return c;
    default: return null;
  }
}

export function lex(text: string, base = 0): LexResult {
  const tokens: ShellToken[] = [];
  const substitutions: { start: number; end: number }[] = [];
  const pendingHeredocs: { delim: string; strip: boolean }[] = [];
  const n = text.length;
  let i = 0;
  let expectHeredocDelim: boolean | null = null;

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) { i++; continue; }
    if (c === BACKSLASH && text.charCodeAt(i + 1) === NEWLINE) { i += 2; continue; }
    if (c === NEWLINE) {
      tokens.push({ kind: 'op', op: '\n', start: base + i, end: base + i + 1 });
      i++;
      // Bodies of here-documents opened on this line are data, not commands.
      while (pendingHeredocs.length > 0 && i < n) {
        const h = pendingHeredocs.shift()!;
        for (;;) {
          if (i >= n) break;
          let eol = text.indexOf('\n', i);
          if (eol === -1) eol = n;
          let line = text.slice(i, eol);
          if (h.strip) line = line.replace(/^\t+/, '');
          i = eol + 1;
          if (line.replace(/\r$/, '') === h.delim) break;
        }
      }
      continue;
    }
    if (c === 35 /* # */) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? n : eol;
      continue;
    }
    // `2>`, `10<&`: a number right before a redirection belongs to it.
    let j = i;
    while (j < n && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
    const redir = redirectAt(text, j);
    if (redir) {
      tokens.push({ kind: 'redirect', op: redir, start: base + i, end: base + j + redir.length });
      expectHeredocDelim = redir === '<<' || redir === '<<-' ? redir === '<<-' : null;
      i = j + redir.length;
      continue;
    }
    const op = j === i ? operatorAt(text, i) : null;
    if (op) {
      tokens.push({ kind: 'op', op, start: base + i, end: base + i + op.length });
      i += op.length;
      continue;
    }
    const w = readWord(text, i, base, substitutions);
    tokens.push({ kind: 'word', word: w });
    if (expectHeredocDelim !== null) {
      pendingHeredocs.push({ delim: w.value, strip: expectHeredocDelim });
      expectHeredocDelim = null;
    }
    i = w.end - base;
  }
  return { tokens, substitutions };
}

/** ASCII codes that are not plain: 1 for the characters that end a word, 2 for quotes, escapes and expansions. */
const NOT_PLAIN = new Uint8Array(128);
for (const ch of ' \t\n\r;&|()<>') NOT_PLAIN[ch.charCodeAt(0)] = 1;
for (const ch of '\'"\\$`') NOT_PLAIN[ch.charCodeAt(0)] = 2;

/** Not a break, quote, escape or expansion character. */
function plain(code: number): boolean {
  return code >= 128 || NOT_PLAIN[code] === 0;
}

/** Space, tab, newline, carriage return, `;`, `&`, `|`, `(`, `)`, `<`, `>`: a word ends there. */
function isBreak(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 59 || code === 38 || code === 124 || code === 40
    || code === 41 || code === 60 || code === 62;
}

function readWord(text: string, start: number, base: number, subs: { start: number; end: number }[]): ShellWord {
  const n = text.length;
  let i = start;
  // The value is built only once a quote or escape makes it differ from the text: until then
  // (and for most words, to the end) it is the raw slice itself. text[from, i) is still to copy.
  let value = '';
  let from = start;
  let changed = false;
  let quoted = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBreak(c)) break;
    if (c === BACKSLASH) {
      value += text.slice(from, i);
      changed = true;
      if (text.charCodeAt(i + 1) === NEWLINE) { i += 2; from = i; continue; }
      quoted = true;
      if (i + 1 < n) value += text[i + 1];
      i += 2;
      from = i;
      continue;
    }
    if (c === SQUOTE) {
      value += text.slice(from, i);
      changed = true;
      quoted = true;
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? n : close;
      value += text.slice(i + 1, end);
      i = end + 1;
      from = i;
      continue;
    }
    if (c === DQUOTE) {
      value += text.slice(from, i);
      changed = true;
      quoted = true;
      i++;
      while (i < n && text[i] !== '"') {
        const d = text[i];
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1];
          if (e === '\n') { i += 2; continue; }
          value += e === '$' || e === '`' || e === '"' || e === '\\' ? e : d + e;
          i += 2;
          continue;
        }
        if (d === '$' || d === '`') {
          const end = skipExpansion(text, i, base, subs);
          value += text.slice(i, end);
          i = end;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      from = i;
      continue;
    }
    if (c === DOLLAR && text.charCodeAt(i + 1) === SQUOTE) {
      value += text.slice(from, i);
      changed = true;
      quoted = true;
      let k = i + 2;
      while (k < n && text[k] !== "'") k += text[k] === '\\' ? 2 : 1;
      value += text.slice(i + 2, Math.min(k, n));
      i = k + 1;
      from = i;
      continue;
    }
    if (c === DOLLAR || c === BACKQUOTE) {
      // Expansions are kept as written.
      i = skipExpansion(text, i, base, subs);
      continue;
    }
    // A run of plain characters.
    let k = i + 1;
    while (k < n && plain(text.charCodeAt(k))) k++;
    i = k;
  }
  const end = Math.min(i, n);
  const raw = text.slice(start, end);
  return { raw, value: changed ? value + text.slice(from, end) : raw, start: base + start, end: base + end, quoted };
}

/** `$0`…`$9` and the special parameters `@ * # ? $ ! -`. */
function isSpecialParam(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 64 || code === 42 || code === 35 || code === 63 || code === 36 || code === 33 || code === 45;
}

/** [A-Za-z0-9_] */
function isNameChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

/** End offset of the expansion starting at `i` (`$x`, `${…}`, `$(…)`, `$((…))`, `` `…` ``). */
function skipExpansion(text: string, i: number, base: number, subs: { start: number; end: number }[]): number {
  const n = text.length;
  if (text[i] === '`') {
    let k = i + 1;
    while (k < n && text[k] !== '`') k += text[k] === '\\' ? 2 : 1;
    subs.push({ start: base + i + 1, end: base + Math.min(k, n) });
    return Math.min(k + 1, n);
  }
  const next = text[i + 1];
  if (next === '{') return matchClose(text, i + 2, '{', '}');
  if (next === '(') {
    const arithmetic = text[i + 2] === '(';
    const end = matchClose(text, i + 2, '(', ')');
    if (!arithmetic) subs.push({ start: base + i + 2, end: base + Math.max(i + 2, end - 1) });
    return end;
  }
  let k = i + 1;
  if (k < n && isSpecialParam(text.charCodeAt(k))) return k + 1;
  while (k < n && isNameChar(text.charCodeAt(k))) k++;
  return k;
}

/** Offset after the bracket closing the one opened just before `from`, skipping quoted text. */
function matchClose(text: string, from: number, open: string, close: string): number {
  const n = text.length;
  let depth = 1;
  let k = from;
  while (k < n) {
    const c = text[k];
    if (c === '\\') { k += 2; continue; }
    if (c === "'" && open === '(') {
      const q = text.indexOf("'", k + 1);
      k = q === -1 ? n : q + 1;
      continue;
    }
    if (c === '"') {
      k++;
      while (k < n && text[k] !== '"') k += text[k] === '\\' ? 2 : 1;
      k++;
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return k + 1;
    k++;
  }
  return n;
}
