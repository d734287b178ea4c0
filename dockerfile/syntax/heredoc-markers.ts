// Finding `<<EOF` markers in a RUN/COPY/ADD line the way BuildKit does: the line is lexed into
// shell words (quotes and escapes kept, `$` left alone) and every word shaped like
// `[fd]<<[-]WORD` starts a heredoc. The delimiter is the word unquoted; any real quote in it
// means the body is not expanded.
import { expandWords } from '../expansion/lexer.js';
import { isSpace } from './source.js';
import type { Span } from './words.js';

export interface HeredocMarker extends Span {
  readonly name: string;
  readonly chomp: boolean;
  readonly quoted: boolean;
}

const MARKER = /^(\d*)<<(-?)[\t\n\f\r ]*([^<]*)$/;
const none = (): undefined => undefined;

/** Word spans as the shell lexer cuts them: quotes group, `\` escapes, `<<` swallows following blanks. */
function shellWordSpans(text: string, from: number, to: number): Span[] {
  const spans: Span[] = [];
  let i = from;
  let start = -1;
  const open = (): void => { if (start < 0) start = i; };
  while (i < to) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      if (start >= 0) { spans.push({ start, end: i }); start = -1; }
      i++;
      continue;
    }
    open();
    if (c === 0x5c /* \ */) { i += 2; continue; }
    if (c === 0x27 /* ' */) {
      const close = text.indexOf("'", i + 1);
      i = close < 0 || close >= to ? to : close + 1;
      continue;
    }
    if (c === 0x22 /* " */) {
      i++;
      while (i < to && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x3c /* < */ && text.charCodeAt(i + 1) === 0x3c) {
      i += 2;
      while (i < to && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r')) i++;
      continue;
    }
    i++;
  }
  if (start >= 0) spans.push({ start, end: Math.min(i, to) });
  return spans;
}

export function findHeredocMarkers(text: string, from: number, to: number): HeredocMarker[] {
  const line = text.slice(from, to);
  if (!line.includes('<<')) return [];
  // A line the lexer cannot read (an unmatched quote) yields no words, hence no heredocs.
  if (!expandWords(line, none, '\\', { rawQuotes: true, rawEscapes: true, skipUnset: true }).ok) return [];
  const markers: HeredocMarker[] = [];
  for (const span of shellWordSpans(text, from, to)) {
    const word = text.slice(span.start, span.end);
    if (!word.includes('<<')) continue;
    const marker = parseHeredocWord(word);
    if (marker) markers.push({ start: span.start, end: span.end, ...marker });
  }
  return markers;
}

/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF` as one word; null when the word is not a heredoc marker. */
export function parseHeredocWord(word: string): { name: string; chomp: boolean; quoted: boolean } | null {
  const m = MARKER.exec(word);
  if (!m || m[3] === '') return null;
  const plain = expandWords(m[3], none, '\\', { skipUnset: true });
  if (!plain.ok || plain.words.length !== 1) return null;
  const raw = expandWords(m[3], none, '\\', { skipUnset: true, rawQuotes: true });
  if (!raw.ok || raw.words.length !== 1) return null;
  const quotes = (s: string): number => s.split(/['"]/).length - 1;
  return { name: plain.words[0], chomp: m[2] === '-', quoted: quotes(plain.words[0]) !== quotes(raw.words[0]) };
}
