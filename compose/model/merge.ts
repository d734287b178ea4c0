// The Compose Specification's merge rules for services read from several files (and for extends):
// mappings merge key by key, the shell-command sequences are replaced, `volumes` merge by target,
// other sequences are appended without duplicates, scalars are replaced.
import { isObj } from './canonical';

const REPLACED = new Set(['command', 'entrypoint', 'profiles', 'test', 'dns', 'dns_search', 'tmpfs']);

/** Merges `over` onto `base` (both in the canonical long form). */
export function mergeService(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === 'volumes' && Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeByKey(out[k] as unknown[], v, 'target');
    else out[k] = mergeValue(k, out[k], v);
  }
  // Setting `image` in an override turns an inherited `build` into... still a build with that tag: both stay.
  return out;
}

function mergeValue(key: string, a: unknown, b: unknown): unknown {
  if (a === undefined) return b;
  if (REPLACED.has(key)) return b;
  if (isObj(a) && isObj(b)) {
    const out: Record<string, unknown> = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = mergeValue(k, out[k], v);
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const seen = new Set(a.map((x) => JSON.stringify(x)));
    return [...a, ...b.filter((x) => !seen.has(JSON.stringify(x)))];
  }
  return b;
}

function mergeByKey(a: unknown[], b: unknown[], key: string): unknown[] {
  const out = [...a];
  for (const item of b) {
    const i = out.findIndex((x) => isObj(x) && isObj(item) && x[key] === item[key]);
    if (i >= 0) out[i] = item;
    else out.push(item);
  }
  return out;
}

/** Merges two top-level sections (networks:, volumes:): per name, the later definition's keys win. */
export function mergeSection(a: Record<string, unknown> | undefined, b: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) out[k] = isObj(out[k]) && isObj(v) ? mergeValue(k, out[k], v) : (v ?? out[k] ?? null);
  return out;
}
