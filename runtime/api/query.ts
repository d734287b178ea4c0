// Query-string parsing the way moby does it: booleans are false only for "", 0, no, false, none
// (the CLI sends 1/0, dockerode true/false), filters are JSON maps of bools or legacy arrays.
import { InvalidError } from '../errdefs.js';
import type { Filters } from '../filters.js';

const FALSE_WORDS = new Set(['', '0', 'no', 'false', 'none']);

export function queryBool(q: URLSearchParams, name: string, fallback = false): boolean {
  const v = q.get(name);
  if (v === null) return fallback;
  return !FALSE_WORDS.has(v.trim().toLowerCase());
}

export function queryInt(q: URLSearchParams, name: string, fallback?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new InvalidError(`invalid value for "${name}": ${v} is not an integer`);
  return n;
}

/** `filters={"dangling":{"true":true}}` or the legacy `{"dangling":["true"]}` into name -> values. */
export function parseFilters(raw: string | null): Filters {
  const out: Filters = new Map();
  if (raw === null || raw.trim() === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidError(`invalid filters: ${raw} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidError('invalid filters: expected a JSON object like {"label":{"a=b":true}}');
  }
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (value && typeof value === 'object') {
      values = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    } else throw new InvalidError(`invalid filters: the value of "${name}" must be a map or a list`);
    out.set(name, values);
  }
  return out;
}
