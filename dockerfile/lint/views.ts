// Small readings of instruction arguments the rules need (key=value pairs, FROM parts, image
// references), each with ranges for findings and fixes.
import { splitReference } from '../reference/image-reference';
import type { DockerfileAst, Instruction, Range, Stage, Token } from '../syntax/ast';

export interface Pair {
  readonly key: string;
  /** Unquoted value ('' when absent). */
  readonly value: string;
  /** The value as written (quotes kept); null for `ARG name` with no default. */
  readonly rawValue: string | null;
  readonly keyRange: Range;
  readonly range: Range;
  /** `ENV key value` (whitespace) form. */
  readonly legacy: boolean;
}

/** Pairs of ENV, LABEL (key=value or legacy `key value`) and ARG (name[=default]). */
export function pairsOf(instr: Instruction): Pair[] {
  const words = instr.words;
  if (words.length === 0) return [];
  const isArg = instr.keyword === 'ARG';
  if (!isArg && !words[0].value.includes('=')) {
    // Legacy form: the first word is the key, the rest of the line is the value.
    const key = words[0];
    const rest = words.slice(1);
    const raw = rest.length ? instr.argsText.slice(instr.argsText.indexOf(key.value) + key.value.length).trim() : '';
    const end = rest.length ? rest[rest.length - 1].range.end : key.range.end;
    return [{ key: unquote(key.value), value: unquote(raw), rawValue: raw, keyRange: key.range, range: { start: key.range.start, end }, legacy: true }];
  }
  return words.map((w) => {
    const eq = w.value.indexOf('=');
    const keyRaw = eq === -1 ? w.value : w.value.slice(0, eq);
    const raw = eq === -1 ? null : w.value.slice(eq + 1);
    const keyRange = { start: w.range.start, end: { line: w.range.start.line, character: w.range.start.character + keyRaw.length } };
    return { key: unquote(keyRaw), value: raw === null ? '' : unquote(raw), rawValue: raw, keyRange, range: w.range, legacy: false };
  });
}

/** Remove shell-style quoting from a Dockerfile word (`"a b"` → `a b`, `'x'` → `x`, `\"` → `"`). */
export function unquote(s: string): string {
  if (!/["'\\]/.test(s)) return s;
  let out = '';
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < s.length) out += s[++i];
      else out += c;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '\\' && i + 1 < s.length) out += s[++i];
    else out += c;
  }
  return out;
}

/** hadolint's dropQuotes: strip quote characters from both ends. */
export function dropQuotes(s: string): string {
  return s.replace(/^["']+|["']+$/g, '');
}

export interface FromParts {
  readonly image: Token | null;
  readonly asWord: Token | null;
  readonly name: Token | null;
  readonly platform: { value: string; range: Range; flagRange: Range } | null;
}

export function fromParts(instr: Instruction): FromParts {
  const w = instr.words;
  const p = instr.flags.find((f) => f.name.toLowerCase() === 'platform');
  return {
    image: w[0] ?? null,
    asWord: w.length >= 2 ? w[1] : null,
    name: w.length >= 3 ? w[2] : null,
    platform: p && p.value !== null && p.valueRange ? { value: p.value, range: p.valueRange, flagRange: p.range } : null,
  };
}

export interface ImageRef {
  readonly registry: string | null;
  /** Repository path without registry (`library/node` stays `library/node`, `node` stays `node`). */
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

/** Split an image reference as Docker does (`host:5000/a/b:tag@sha256:…`); no validation. */
export function parseImageRef(ref: string): ImageRef {
  const parts = splitReference(ref);
  return { registry: parts.domain, path: parts.path, tag: parts.tag, digest: parts.digest };
}

/** Instructions of a stage (FROM excluded); index -1 gives the ones before the first FROM. */
export function stageInstructions(ast: DockerfileAst, stageIndex: number): readonly Instruction[] {
  if (stageIndex < 0) return ast.instructions.filter((i) => i.stageIndex < 0);
  return ast.stages[stageIndex]?.instructions ?? [];
}

/** The instruction itself, or the one ONBUILD wraps, when it has `keyword`. */
export function effective(instr: Instruction, keyword: string): Instruction | null {
  if (instr.keyword === keyword) return instr;
  if (instr.onbuild?.keyword === keyword) return instr.onbuild;
  return null;
}

export function stageLabel(stage: Stage): string {
  return stage.name ? `stage "${stage.name.value}"` : `stage ${stage.index}`;
}

/** Levenshtein distance, bounded: returns max+1 as soon as it is exceeded. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/** The closest candidate within `max` edits, for "did you mean" messages. */
export function suggest(word: string, candidates: Iterable<string>, max = 2): string | null {
  let best: string | null = null;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), max);
    if (d < bestD && c !== word) { best = c; bestD = d; }
  }
  return best;
}
