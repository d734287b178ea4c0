// Request bodies decoded the way dockerd's Go `encoding/json` decodes them into its API structs, so Berth
// accepts exactly what Docker accepts and refuses the rest with Docker's own message, e.g.
//   json: cannot unmarshal string into Go struct field HostConfig.HostConfig.Privileged of type bool
//
// Why our own decoder and not a JSON Schema validator (ajv): Docker's answers follow Go's decoding rules,
// not JSON Schema's: null is "leave unset" for any field, and a zero value inside lists and maps; keys
// match case-insensitively (`"privileged"` sets Privileged); unknown keys are dropped; integers are
// range-checked per Go type (uint16, int64); `Cmd` may be a string or a list (strslice.StrSlice); and
// the message names the Go struct, the field path and the Go type. A JSON Schema validator reports
// none of these, and its type coercion would turn "false" into false, the very thing to refuse.
// The type descriptions (schemas.ts and friends) are written from the Engine API v1.41 definitions.
import { InvalidError } from '../errdefs.js';

export type GoType =
  | { kind: 'bool' }
  | { kind: 'string'; name?: string }
  | { kind: 'int'; name: IntName }
  | { kind: 'float' }
  /** A list; `name` is the Go type when it is a named one (e.g. nat.PortBinding lists print as []nat.PortBinding). */
  | { kind: 'list'; of: GoType; name?: string }
  /** A fixed-size Go array such as [2]uint: extra elements are ignored, as Go does. */
  | { kind: 'array'; of: GoType; length: number }
  | { kind: 'map'; of: GoType; name?: string }
  | { kind: 'struct'; name: string; fields: Record<string, GoType> }
  /** strslice.StrSlice: a JSON string or a list of strings. */
  | { kind: 'strslice' }
  /** A map value of Go type struct{} (nat.PortSet, Volumes): any object. */
  | { kind: 'empty-struct' };

type IntName = 'int' | 'int64' | 'int32' | 'uint' | 'uint16' | 'uint32' | 'uint64' | 'time.Duration' | 'os.FileMode';

// [lowest, above the highest]. -2^63 itself is left out: JavaScript writes it back as
// -9223372036854776000, which no Go client can read into an int64 (docker ps would fail on it).
const INT64_MIN = -(2 ** 63 - 1024);
const INT_RANGE: Record<IntName, [number, number]> = {
  int: [INT64_MIN, 2 ** 63], int64: [INT64_MIN, 2 ** 63], 'time.Duration': [INT64_MIN, 2 ** 63],
  int32: [-(2 ** 31), 2 ** 31], uint: [0, 2 ** 64], uint64: [0, 2 ** 64], uint16: [0, 2 ** 16], uint32: [0, 2 ** 32],
  'os.FileMode': [0, 2 ** 32],
};

// Builders, so the schema files read like the Go structs they follow.
export const bool: GoType = { kind: 'bool' };
export const str: GoType = { kind: 'string' };
export const named = (name: string): GoType => ({ kind: 'string', name });
export const int = (name: IntName = 'int64'): GoType => ({ kind: 'int', name });
export const float: GoType = { kind: 'float' };
export const list = (of: GoType, name?: string): GoType => ({ kind: 'list', of, name });
export const array = (of: GoType, length: number): GoType => ({ kind: 'array', of, length });
export const map = (of: GoType, name?: string): GoType => ({ kind: 'map', of, name });
export const struct = (name: string, fields: Record<string, GoType>): GoStruct => ({ kind: 'struct', name, fields });
export const strslice: GoType = { kind: 'strslice' };
export const emptyStruct: GoType = { kind: 'empty-struct' };
export const strList = list(str);
export const strMap = map(str);

export type GoStruct = Extract<GoType, { kind: 'struct' }>;

/** The Go type's name as encoding/json prints it. */
export function goTypeName(t: GoType): string {
  switch (t.kind) {
    case 'bool': return 'bool';
    case 'string': return t.name ?? 'string';
    case 'int': return t.name;
    case 'float': return 'float64';
    case 'list': return t.name ?? `[]${goTypeName(t.of)}`;
    case 'array': return `[${t.length}]${goTypeName(t.of)}`;
    case 'map': return t.name ?? `map[string]${goTypeName(t.of)}`;
    case 'struct': return t.name;
    case 'strslice': return 'strslice.StrSlice';
    case 'empty-struct': return 'struct {}';
  }
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/** One value that did not fit its Go type, with the path to it. */
export interface DecodeProblem { path: string; message: string }

interface Ctx {
  /** Short name of the innermost struct (what Go prints before the field path). */
  struct: string;
  /** JSON field names from the root, list indices and map keys left out, as Go prints them. */
  fields: string[];
  /** Where in the document, for repair logs (`HostConfig.Ulimits[0].Soft`). */
  at: string;
  /** undefined: stop at the first problem (throw); otherwise collect and drop the bad values. */
  problems?: DecodeProblem[];
  /** Keep keys the type does not list, as they are (records on disk may carry fields of newer code). */
  keepUnknown?: boolean;
}

const DROP = Symbol('drop');

function fail(ctx: Ctx, value: unknown, t: GoType, valueText?: string): typeof DROP {
  const what = valueText ?? jsonKind(value);
  const message = ctx.fields.length
    ? `json: cannot unmarshal ${what} into Go struct field ${ctx.struct}.${ctx.fields.join('.')} of type ${goTypeName(t)}`
    : `json: cannot unmarshal ${what} into Go value of type ${goTypeName(t)}`;
  if (!ctx.problems) throw new InvalidError(message);
  ctx.problems.push({ path: ctx.at, message });
  return DROP;
}

function zero(t: GoType): unknown {
  switch (t.kind) {
    case 'bool': return false;
    case 'string': return '';
    case 'int': case 'float': return 0;
    case 'struct': return {};
    default: return null;
  }
}

function decodeValue(v: unknown, t: GoType, ctx: Ctx): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case 'bool': return typeof v === 'boolean' ? v : fail(ctx, v, t);
    case 'string': return typeof v === 'string' ? v : fail(ctx, v, t);
    case 'float': return typeof v === 'number' ? v : fail(ctx, v, t);
    case 'int': {
      if (typeof v !== 'number') return fail(ctx, v, t);
      const [min, max] = INT_RANGE[t.name];
      return Number.isInteger(v) && v >= min && v < max ? v : fail(ctx, v, t, `number ${v}`);
    }
    case 'strslice': {
      if (typeof v === 'string') return [v];
      if (Array.isArray(v) && v.every((e) => typeof e === 'string' || e === null)) return v.map((e) => e ?? '');
      // StrSlice tries a list of strings, then a string: Go reports the second attempt.
      return fail(ctx, v, str);
    }
    case 'list': case 'array': {
      if (!Array.isArray(v)) return fail(ctx, v, t);
      const items = t.kind === 'array' ? v.slice(0, t.length) : v;
      const out: unknown[] = [];
      for (const [i, e] of items.entries()) {
        const d = decodeValue(e, t.of, { ...ctx, at: `${ctx.at}[${i}]` });
        if (d !== DROP) out.push(d === null ? zero(t.of) : d);
      }
      if (t.kind === 'array') while (out.length < t.length) out.push(zero(t.of));
      return out;
    }
    case 'map': {
      if (!isObject(v)) return fail(ctx, v, t);
      const out: Record<string, unknown> = {};
      for (const [k, e] of Object.entries(v)) {
        const d = decodeValue(e, t.of, { ...ctx, at: `${ctx.at}[${JSON.stringify(k)}]` });
        if (d !== DROP) out[k] = d === null ? zero(t.of) : d;
      }
      return out;
    }
    case 'empty-struct': return isObject(v) ? {} : fail(ctx, v, t);
    case 'struct': return isObject(v) ? decodeFields(v, t, ctx) : fail(ctx, v, t);
  }
}

function decodeFields(v: Record<string, unknown>, t: GoStruct, ctx: Ctx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const short = t.name.slice(t.name.lastIndexOf('.') + 1);
  for (const [key, value] of Object.entries(v)) {
    const field = fieldName(t, key);
    if (!field) {
      if (ctx.keepUnknown) out[key] = value;
      continue; // Go drops keys it does not know
    }
    const ft = t.fields[field];
    const d = decodeValue(value, ft, { ...ctx, struct: short, fields: [...ctx.fields, field], at: ctx.at ? `${ctx.at}.${field}` : field });
    if (d === DROP || d === null) delete out[field];
    else out[field] = d;
  }
  return out;
}

const folded = new WeakMap<GoStruct, Map<string, string>>();

/** Go matches a key to a field exactly, else case-insensitively. */
function fieldName(t: GoStruct, key: string): string | undefined {
  if (Object.hasOwn(t.fields, key)) return key;
  let byLower = folded.get(t);
  if (!byLower) {
    byLower = new Map(Object.keys(t.fields).map((f) => [f.toLowerCase(), f]));
    folded.set(t, byLower);
  }
  return byLower.get(key.toLowerCase());
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes a request body into the Go struct `t` describes: known fields only, canonical names, Go's
 * null rules. Throws InvalidError with encoding/json's message at the first value that does not fit.
 * An absent body decodes as `{}` (Go's decoder sees EOF and the handler uses the zero struct).
 */
export function decodeBody<T>(body: unknown, t: GoStruct): T {
  if (body === undefined || body === null) return {} as T;
  return decodeValue(body, t, { struct: '', fields: [], at: '' }) as T;
}

/**
 * Like decodeBody, but drops what does not fit and says what it dropped, and keeps keys the type does
 * not list (for records read from disk).
 */
export function repairValue<T>(value: unknown, t: GoStruct): { value: T; problems: DecodeProblem[] } {
  const problems: DecodeProblem[] = [];
  const d = decodeValue(value, t, { struct: '', fields: [], at: '', problems, keepUnknown: true });
  return { value: (d === DROP || d === null ? {} : d) as T, problems };
}
