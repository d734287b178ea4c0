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
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  // ajv-options.json (shared with the bundles' precompiled validator): strict: false for annotations
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

/** The error a user needs first: the deepest one, and among equals a missing or unknown key over a type mismatch. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const rank = (e: ErrorObject) => (['oneOf', 'anyOf', 'if'].includes(e.keyword) ? 0 : 1);
  return [...errors].sort((a, b) => depth(b) - depth(a) || rank(b) - rank(a))[0];
}

function describe(e: ErrorObject): SchemaProblem {
  const at: KeyPath = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
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
