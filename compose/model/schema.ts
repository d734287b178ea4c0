// Validation against the Compose Specification's JSON schema (the copy the dclint package keeps
// current), errors placed at the key they concern.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import composeSchema from '../../node_modules/dclint/schemas/compose.schema.json';
import ajvOptions from './ajv-options.json';
import { formatKey, type KeyPath } from './problem';
import { precompiledValidator } from './schema-precompiled';

export interface SchemaProblem {
  readonly at: KeyPath;
  readonly message: string;
  /** What an editor marks: the key at `at` (an unknown or misnamed key, a mapping missing a key) or its value. */
  readonly target?: 'key' | 'value';
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // ajv-options.json (shared with the bundles' precompiled validator): verbose for the language server's
  // messages (the failing keyword's schema); strict: false for annotations
  // ajv does not know ("deprecated"); validateSchema: false because the schema names draft-07 by its
  // https address, which ajv does not register.
  compiled ??= precompiledValidator ?? new Ajv(ajvOptions).compile(composeSchema);
  return compiled;
}

/** The JSON schema itself, for completion in the language server. */
export const composeJsonSchema: unknown = composeSchema;

export function validateAgainstSchema(data: unknown): SchemaProblem | undefined {
  const validate = validator();
  if (validate(data)) return undefined;
  return describe(pickError(validate.errors ?? []));
}

/**
 * Every problem in one file, for an editor: ajv's errors without the noise of the alternatives a value
 * did not take. A `oneOf` branch of the value's own type that fails inside explains the failure, so the
 * other branches' type mismatches and the `oneOf` itself are dropped; where no branch has the value's
 * type, one "must be A or B" remains.
 */
export function allSchemaProblems(data: unknown): SchemaProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const paths = new Set(errors.map((e) => e.instancePath));
  const explained = (p: string) =>
    [...paths].some((q) => q.startsWith(`${p}/`)) ||
    errors.some((e) => e.instancePath === p && !ALTERNATIVE_KEYWORDS.has(e.keyword));
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const typesAt = new Map<string, Set<string>>();
  for (const e of errors) {
    if (e.keyword === 'oneOf' && (e.params as { passingSchemas?: unknown }).passingSchemas) {
      push({ ...describe(e), message: 'matches more than one of the allowed forms' });
      continue;
    }
    if (ALTERNATIVE_KEYWORDS.has(e.keyword)) {
      if (explained(e.instancePath)) continue;
      if (e.keyword === 'type') {
        const set = typesAt.get(e.instancePath) ?? new Set<string>();
        for (const t of String((e.params as { type: string }).type).split(',')) set.add(t);
        typesAt.set(e.instancePath, set);
      }
      continue;
    }
    const p = describe(e);
    const patterns = (e.parentSchema as { patternProperties?: Record<string, unknown> } | undefined)?.patternProperties;
    const names = patterns && Object.keys(patterns).filter((k) => k !== '^x-');
    if (e.keyword === 'additionalProperties' && names?.length) {
      push({ ...p, message: `"${String((e.params as { additionalProperty: string }).additionalProperty)}" is not a valid name here: it must match ${names.join(' or ')}`, target: 'key' });
    } else {
      push({ ...p, target: e.keyword === 'additionalProperties' || e.keyword === 'required' ? 'key' : 'value' });
    }
  }
  for (const [instancePath, types] of typesAt) {
    push({ at: toKeyPath(instancePath), message: `must be ${[...types].join(' or ')}`, target: 'value' });
  }
  return out;

  function push(p: SchemaProblem): void {
    const id = `${formatKey(p.at)}\u0000${p.message}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push(p);
  }
}

const ALTERNATIVE_KEYWORDS = new Set(['type', 'oneOf', 'anyOf', 'if', 'then', 'else']);

function toKeyPath(instancePath: string): KeyPath {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The error a user needs first: the deepest one, and among equals a missing or unknown key over a type mismatch. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const rank = (e: ErrorObject) => (['oneOf', 'anyOf', 'if'].includes(e.keyword) ? 0 : 1);
  return [...errors].sort((a, b) => depth(b) - depth(a) || rank(b) - rank(a))[0];
}

function describe(e: ErrorObject): SchemaProblem {
  const at = toKeyPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { at: [...at, String(p.additionalProperty)], message: `unknown key "${String(p.additionalProperty)}"${at.length ? ` in ${formatKey(at)}` : ''}` };
    case 'required':
      return { at, message: `missing required key "${String(p.missingProperty)}"` };
    case 'type':
      return { at, message: `must be ${String(p.type).replace(/,/g, ' or ')}` };
    case 'enum':
      return { at, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'pattern':
      return { at, message: `does not match the pattern ${String(p.pattern)}` };
    case 'uniqueItems':
      return { at, message: 'has duplicate items' };
    default:
      return { at, message: e.message ?? 'is invalid' };
  }
}
