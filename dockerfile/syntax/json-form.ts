// Exec form: the arguments are used as a JSON array only when the whole text parses as JSON and
// is an array. An array holding anything but strings is an error; anything else is shell form.
import type { Span } from './words.js';

export type JsonScan =
  | { readonly kind: 'shell' }
  | { readonly kind: 'not-strings' }
  | { readonly kind: 'json'; readonly values: string[]; readonly spans: Span[] };

/** Looks at text[from, to) (already trimmed). */
export function scanJsonArray(text: string, from: number, to: number): JsonScan {
  if (from >= to || text.charCodeAt(from) !== 0x5b /* [ */) return { kind: 'shell' };
  const src = text.slice(from, to);
  let parsed: unknown;
  try {
    parsed = JSON.parse(src);
  } catch {
    return { kind: 'shell' };
  }
  if (!Array.isArray(parsed)) return { kind: 'shell' };
  if (!parsed.every((v) => typeof v === 'string')) return { kind: 'not-strings' };
  // Valid JSON whose elements are all strings: every string literal in it is an element.
  const spans: Span[] = [];
  for (let i = 0; i < src.length; i++) {
    if (src.charCodeAt(i) !== 0x22) continue;
    const start = i;
    for (i++; i < src.length && src.charCodeAt(i) !== 0x22; i++) {
      if (src.charCodeAt(i) === 0x5c) i++;
    }
    spans.push({ start: from + start, end: from + i + 1 });
  }
  return { kind: 'json', values: parsed as string[], spans };
}
