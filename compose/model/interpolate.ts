// Variable interpolation as the Compose Specification defines it: $VAR, ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?message}, ${VAR?message}, ${VAR:+alt}, ${VAR+alt}, nesting in the default,
// and $$ for a literal $. Applied to values, never to keys.
import type { Lookup } from './dotenv';
import type { KeyPath } from './problem';

export class InterpolationError extends Error {}

export interface InterpolationResult {
  readonly value: string;
  /** Variables used without a value and without a default: Compose warns and uses "". */
  readonly unset: readonly string[];
}

export function interpolateString(input: string, lookup: Lookup): InterpolationResult {
  const unset: string[] = [];
  const value = expand(input, lookup, unset);
  return { value, unset };
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

function expand(s: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c !== '$') { out += c; i++; continue; }
    const next = s[i + 1];
    if (next === '$') { out += '$'; i += 2; continue; }
    if (next === '{') {
      const end = matchingBrace(s, i + 1);
      if (end < 0) throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(s)}: no closing "}"`);
      out += braced(s.slice(i + 2, end), lookup, unset, s);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(s.slice(i + 1));
    if (!m) { out += '$'; i++; continue; }
    const v = lookup(m[0]);
    if (v === undefined) unset.push(m[0]);
    out += v ?? '';
    i += 1 + m[0].length;
  }
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(body: string, lookup: Lookup, unset: string[], whole: string): string {
  const m = NAME.exec(body);
  if (!m) throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(whole)}: "\${${body}}" does not start with a variable name`);
  const name = m[0];
  const rest = body.slice(name.length);
  const value = lookup(name);
  if (rest === '') {
    if (value === undefined) unset.push(name);
    return value ?? '';
  }
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new InterpolationError(`invalid interpolation format for ${JSON.stringify(whole)}: unexpected "${rest}" after ${name}`);
  const arg = rest.slice(op.length);
  const unsetOrEmpty = value === undefined || (op.startsWith(':') && value === '');
  switch (op.replace(':', '')) {
    case '-':
      return unsetOrEmpty ? expand(arg, lookup, unset) : value!;
    case '+':
      return unsetOrEmpty ? '' : expand(arg, lookup, unset);
    default: // '?'
      if (unsetOrEmpty) {
        const msg = expand(arg, lookup, unset);
        throw new InterpolationError(`required variable ${name} is missing a value${msg ? `: ${msg}` : ''}`);
      }
      return value!;
  }
}

/**
 * Interpolates every string value in a parsed Compose file. `report` is called for each problem or
 * unset variable with the key path where it was found.
 */
export function interpolateTree(
  data: unknown,
  lookup: Lookup,
  onUnset: (name: string, at: KeyPath) => void,
  at: KeyPath = [],
): unknown {
  if (typeof data === 'string') {
    try {
      const r = interpolateString(data, lookup);
      for (const n of r.unset) onUnset(n, at);
      return r.value;
    } catch (e) {
      if (e instanceof InterpolationError) throw Object.assign(e, { at });
      throw e;
    }
  }
  if (Array.isArray(data)) return data.map((v, i) => interpolateTree(v, lookup, onUnset, [...at, i]));
  if (data && typeof data === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(data)) out[k] = interpolateTree(v, lookup, onUnset, [...at, k]);
    return out;
  }
  return data;
}
