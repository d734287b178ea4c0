// Go's filepath.Match (and path.Match) for `/`-separated names: the glob Docker uses for COPY
// wildcards, `docker images --filter reference=...` and to check .dockerignore patterns.
// `*` is any run of non-`/` characters, `?` one non-`/` character, `[a-z]`/`[^a-z]` a class (it may
// match `/`), `\x` a literal x. Malformed patterns are errors even where the name does not match,
// as Go reports them since 1.16. Matching follows Go's chunk-by-chunk algorithm, so its answers are
// Go's answers, not a regular expression's.

export type FilepathMatch = { readonly ok: true; readonly matched: boolean } | { readonly ok: false; readonly error: string };

const BAD_PATTERN = 'syntax error in pattern';

class BadPattern extends Error {}

/** Does `name` match `pattern` as Go's filepath.Match says? */
export function filepathMatch(pattern: string, name: string): FilepathMatch {
  try {
    return { ok: true, matched: match(Array.from(pattern), Array.from(name)) };
  } catch (e) {
    if (e instanceof BadPattern) return { ok: false, error: BAD_PATTERN };
    throw e;
  }
}

/** Go's ErrBadPattern message when the pattern is malformed, else null. */
export function filepathPatternError(pattern: string): string | null {
  const r = filepathMatch(pattern, '.');
  return r.ok ? null : r.error;
}

/** A matcher for a pattern checked once; null when the pattern is malformed. */
export function compileFilepathPattern(pattern: string): ((name: string) => boolean) | null {
  if (filepathPatternError(pattern) !== null) return null;
  const chars = Array.from(pattern);
  return (name) => match(chars, Array.from(name));
}

/** True when the text has `*`, `?` or `[` not escaped by `\`. */
export function hasFilepathWildcards(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') i++;
    else if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

type Chars = readonly string[];

function match(pattern: Chars, name: Chars): boolean {
  let p = pattern;
  let n = name;
  chunks: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !n.includes('/');
    const here = matchChunk(chunk, n);
    // The last chunk must use up the name; an earlier one may leave the rest to later chunks.
    if (here !== null && (here.length === 0 || p.length > 0)) {
      n = here;
      continue;
    }
    if (star) {
      // The star takes one more character each time, never a `/`.
      for (let i = 0; i < n.length && n[i] !== '/'; i++) {
        const t = matchChunk(chunk, n.slice(i + 1));
        if (t !== null) {
          if (p.length === 0 && t.length > 0) continue;
          n = t;
          continue chunks;
        }
      }
    }
    // No match: Go still reports a malformed rest of the pattern.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return n.length === 0;
}

/** Leading stars, then everything up to the next star outside a class. */
function scanChunk(p: Chars): { star: boolean; chunk: Chars; rest: Chars } {
  let start = 0;
  while (p[start] === '*') start++;
  let inClass = false;
  let i = start;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\': if (i + 1 < p.length) i++; break;
      case '[': inClass = true; break;
      case ']': inClass = false; break;
      case '*': if (!inClass) break scan;
    }
  }
  return { star: start > 0, chunk: p.slice(start, i), rest: p.slice(i) };
}

/** Matches a star-free chunk at the start of `s`: the rest of `s`, or null. Reads the whole chunk. */
function matchChunk(chunk: Chars, s: Chars): Chars | null {
  let c = chunk;
  let rest = s;
  let failed = false;
  while (c.length > 0) {
    if (!failed && rest.length === 0) failed = true;
    const head = c[0];
    if (head === '[') {
      const r = failed ? -1 : rest[0].codePointAt(0)!;
      if (!failed) rest = rest.slice(1);
      c = c.slice(1);
      const negated = c[0] === '^';
      if (negated) c = c.slice(1);
      let inClass = false;
      for (let ranges = 0; ; ranges++) {
        if (c.length > 0 && c[0] === ']' && ranges > 0) {
          c = c.slice(1);
          break;
        }
        const lo = classChar(c);
        let hi = lo.char;
        c = lo.rest;
        if (c[0] === '-') {
          const h = classChar(c.slice(1));
          hi = h.char;
          c = h.rest;
        }
        if (lo.char <= r && r <= hi) inClass = true;
      }
      if (inClass === negated) failed = true;
    } else if (head === '?') {
      if (!failed) {
        if (rest[0] === '/') failed = true;
        rest = rest.slice(1);
      }
      c = c.slice(1);
    } else {
      let literal = head;
      if (head === '\\') {
        c = c.slice(1);
        if (c.length === 0) throw new BadPattern();
        literal = c[0];
      }
      if (!failed) {
        if (literal !== rest[0]) failed = true;
        rest = rest.slice(1);
      }
      c = c.slice(1);
    }
  }
  return failed ? null : rest;
}

/** One character of a class, `\` escapes allowed; a class must go on after it. */
function classChar(c: Chars): { char: number; rest: Chars } {
  let i = 0;
  if (c.length === 0 || c[0] === '-' || c[0] === ']') throw new BadPattern();
  if (c[0] === '\\') {
    i = 1;
    if (c.length === 1) throw new BadPattern();
  }
  const rest = c.slice(i + 1);
  if (rest.length === 0) throw new BadPattern();
  return { char: c[i].codePointAt(0)!, rest };
}
