// The glob subset BuildKit allows in `${a#pat}`, `${a%pat}` and `${a/pat/repl}`: `*`, `?` and
// backslash escapes of `*`, `?` and `\`. Everything else is literal (no bracket classes).

export type PatternResult = { readonly ok: true; readonly regex: RegExp } | { readonly ok: false; readonly error: string };

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$', '/']);

export function shellPatternToRegex(pattern: string, greedy: boolean, anchored: boolean, flags = 'u'): PatternResult {
  let out = anchored ? '^' : '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') { out += greedy ? '.*' : '.*?'; continue; }
    if (ch === '?') { out += '.'; continue; }
    if (ch === '\\') {
      const next = chars[i + 1];
      // `\}` and `\/` reach us still escaped from the `${...}` scan; they mean the plain char.
      if (next === '}' || next === '/') continue;
      if (next !== '*' && next !== '?' && next !== '\\') {
        return { ok: false, error: `invalid escape '\\${next ?? ''}'` };
      }
      out += '\\' + next;
      i++;
      continue;
    }
    out += REGEX_SPECIAL.has(ch) ? '\\' + ch : ch;
  }
  return { ok: true, regex: new RegExp(out, flags) };
}

function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const out: string[] = new Array(chars.length);
  const last = chars.length - 1;
  for (let i = 0; i <= last;) {
    if (chars[i] === '\\' && i !== last) {
      out[last - i - 1] = chars[i];
      out[last - i] = chars[i + 1];
      i += 2;
    } else {
      out[last - i] = chars[i];
      i++;
    }
  }
  return out.join('');
}

const reverse = (s: string): string => Array.from(s).reverse().join('');

/** `${value#pattern}` / `${value##pattern}`. */
export function trimPrefix(pattern: string, value: string, greedy: boolean): { ok: true; value: string } | { ok: false; error: string } {
  const re = shellPatternToRegex(pattern, greedy, true);
  if (!re.ok) return { ok: false, error: `invalid pattern (${pattern}) in substitution: ${re.error}` };
  const m = re.regex.exec(value);
  return { ok: true, value: m ? value.slice(m[0].length) : value };
}

/** `${value%pattern}` / `${value%%pattern}`: the prefix rule applied to both strings reversed. */
export function trimSuffix(pattern: string, value: string, greedy: boolean): { ok: true; value: string } | { ok: false; error: string } {
  const r = trimPrefix(reversePattern(pattern), reverse(value), greedy);
  return r.ok ? { ok: true, value: reverse(r.value) } : r;
}

/** `${value/pattern/replacement}` and `${value//pattern/replacement}`. */
export function replacePattern(value: string, pattern: string, replacement: string, all: boolean): { ok: true; value: string } | { ok: false; error: string } {
  const re = shellPatternToRegex(pattern, true, false, 'gu');
  if (!re.ok) return { ok: false, error: `invalid pattern (${pattern}) in substitution: ${re.error}` };
  const regex = re.regex;
  let out = '';
  let copied = 0;
  let prevEnd = -1;
  let from = 0;
  while (from <= value.length) {
    regex.lastIndex = from;
    const m = regex.exec(value);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    const step = end < value.length && value.codePointAt(end)! > 0xffff ? 2 : 1;
    // Go's ReplaceAll ignores an empty match that abuts the previous match.
    if (m[0].length === 0 && start === prevEnd) { from = end + step; continue; }
    out += value.slice(copied, start) + replacement;
    copied = end;
    prevEnd = end;
    if (!all) break;
    from = m[0].length === 0 ? end + step : end;
  }
  return { ok: true, value: out + value.slice(copied) };
}
