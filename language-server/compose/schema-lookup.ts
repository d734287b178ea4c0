// The Compose Specification's JSON schema read at a key path, for completion and hover: which keys a
// mapping may have, what a key means, which values it takes. `$ref`, `oneOf`, `anyOf` and `allOf` are
// followed, so every form a value may take is offered.
import { composeJsonSchema } from '../../compose/model/schema';
import type { KeyPath } from './yaml-tree';

export interface Schema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly patternProperties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: boolean | Schema;
  readonly items?: Schema;
  readonly oneOf?: readonly Schema[];
  readonly anyOf?: readonly Schema[];
  readonly allOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly deprecated?: boolean;
}

const root = composeJsonSchema as Schema & { definitions: Record<string, Schema> };

function deref(s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur.$ref && i < 10; i++) {
    const name = /^#\/definitions\/(.+)$/.exec(cur.$ref)?.[1];
    const target = name ? root.definitions[name] : undefined;
    if (!target) break;
    cur = { ...target, description: cur.description ?? target.description };
  }
  return cur;
}

/** The alternatives a schema allows, each without $ref/oneOf/anyOf at its top. */
export function alternatives(s: Schema, depth = 0): Schema[] {
  const d = deref(s);
  const branches = [...(d.oneOf ?? []), ...(d.anyOf ?? []), ...(d.allOf ?? [])];
  if (!branches.length || depth > 8) return [d];
  const out: Schema[] = [];
  // A schema may say `type` or `properties` beside its alternatives: that part is one more form.
  if (d.type || d.properties) out.push({ ...d, oneOf: undefined, anyOf: undefined, allOf: undefined });
  for (const b of branches) for (const alt of alternatives(b, depth + 1)) out.push({ ...alt, description: alt.description ?? d.description });
  return out;
}

function child(s: Schema, key: string | number): Schema[] {
  const out: Schema[] = [];
  for (const alt of alternatives(s)) {
    if (typeof key === 'number') {
      if (alt.items) out.push(alt.items);
      continue;
    }
    const prop = alt.properties?.[key];
    if (prop) {
      out.push(prop);
      continue;
    }
    const pattern = Object.entries(alt.patternProperties ?? {}).find(([re]) => new RegExp(re, 'u').test(key));
    if (pattern) out.push(pattern[1]);
    else if (typeof alt.additionalProperties === 'object') out.push(alt.additionalProperties);
  }
  return out;
}

/** The schemas a value at `path` may follow (several where the schema offers alternatives). */
export function schemasAt(path: KeyPath): Schema[] {
  let current: Schema[] = [root];
  for (const k of path) current = current.flatMap((s) => child(s, k));
  return current;
}

export interface KeyInfo {
  readonly name: string;
  readonly description?: string;
  readonly schema: Schema;
  readonly deprecated: boolean;
}

/** The keys a mapping at `path` may have (x- extensions aside). */
export function keysAt(path: KeyPath): KeyInfo[] {
  const out = new Map<string, KeyInfo>();
  for (const s of schemasAt(path)) {
    for (const alt of alternatives(s)) {
      for (const [name, prop] of Object.entries(alt.properties ?? {})) {
        if (out.has(name)) continue;
        const d = deref(prop);
        out.set(name, { name, description: prop.description ?? d.description ?? alternatives(prop).find((a) => a.description)?.description, schema: prop, deprecated: !!(prop.deprecated ?? d.deprecated) });
      }
    }
  }
  return [...out.values()];
}

/** What the key at `path` means, from the schema. */
export function describe(path: KeyPath): string | undefined {
  for (const s of schemasAt(path)) {
    if (s.description) return s.description;
    const d = alternatives(s).find((a) => a.description)?.description;
    if (d) return d;
  }
  return undefined;
}

export function typesOf(s: Schema): Set<string> {
  const out = new Set<string>();
  for (const alt of alternatives(s)) {
    const t = alt.type ?? (alt.properties || alt.patternProperties ? 'object' : alt.items ? 'array' : undefined);
    for (const x of t === undefined ? [] : typeof t === 'string' ? [t] : t) out.add(x);
  }
  return out;
}

/** Enum values and booleans a value at `path` may be. */
export function valuesAt(path: KeyPath): string[] {
  const out = new Set<string>();
  for (const s of schemasAt(path)) {
    for (const alt of alternatives(s)) {
      for (const v of alt.enum ?? []) out.add(String(v));
    }
    if (typesOf(s).has('boolean')) { out.add('true'); out.add('false'); }
  }
  return [...out];
}
