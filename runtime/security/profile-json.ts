// Reads a seccomp profile in Docker's JSON format: what `docker run --security-opt seccomp=FILE` sends
// (the file's contents), what `berthd --seccomp-profile FILE` loads, and also Podman's profile
// (/usr/share/containers/seccomp.json from containers-common), which has the same shape. Mistakes are
// refused with the field that is wrong, before any container runs with the profile.
import { InvalidError } from '../errdefs.js';
import {
  SECCOMP_ACTIONS, SECCOMP_OPERATORS, type ArchMapEntry, type RuleCondition, type SeccompAction, type SeccompArg,
  type SeccompOperator, type SeccompProfile, type SeccompRule,
} from './seccomp-profile.js';

type Json = Record<string, unknown>;

function fail(where: string, what: string): never {
  throw new InvalidError(`seccomp profile: ${where}: ${what}`);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, where: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) fail(where, 'must be a list of strings');
  return v as string[];
}

function errno(v: unknown, where: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 4095) fail(where, 'must be an errno number (0-4095)');
  return v;
}

function action(v: unknown, where: string): SeccompAction {
  if (!(SECCOMP_ACTIONS as readonly unknown[]).includes(v)) fail(where, `unknown action ${JSON.stringify(v)} (one of ${SECCOMP_ACTIONS.join(', ')})`);
  return v as SeccompAction;
}

function arg(v: unknown, where: string): SeccompArg {
  if (!isObject(v)) fail(where, 'must be an object {index, value, op}');
  const { index, value, valueTwo, op } = v;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5) fail(`${where}.index`, 'must be 0-5');
  for (const [k, n] of [['value', value], ['valueTwo', valueTwo ?? 0]] as const) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`${where}.${k}`, 'must be a non-negative integer');
  }
  if (!(SECCOMP_OPERATORS as readonly unknown[]).includes(op)) fail(`${where}.op`, `unknown operator ${JSON.stringify(op)} (one of ${SECCOMP_OPERATORS.join(', ')})`);
  return { index, value: value as number, ...(valueTwo !== undefined && valueTwo !== null ? { valueTwo: valueTwo as number } : {}), op: op as SeccompOperator };
}

function condition(v: unknown, where: string): RuleCondition | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) fail(where, 'must be an object {arches, caps, minKernel}');
  const out: RuleCondition = {};
  const arches = strings(v.arches, `${where}.arches`);
  const caps = strings(v.caps, `${where}.caps`);
  if (arches?.length) out.arches = arches;
  if (caps?.length) out.caps = caps;
  if (v.minKernel !== undefined && v.minKernel !== null && v.minKernel !== '') {
    if (typeof v.minKernel !== 'string' || !/^\d+\.\d+(\.\d+)?$/.test(v.minKernel)) fail(`${where}.minKernel`, 'must be a kernel version such as "4.8"');
    out.minKernel = v.minKernel;
  }
  return Object.keys(out).length ? out : undefined;
}

function rule(v: unknown, where: string): SeccompRule {
  if (!isObject(v)) fail(where, 'must be an object');
  const names = strings(v.names, `${where}.names`);
  if (v.name !== undefined && v.name !== '' && names?.length) fail(where, "'name' and 'names' were both given: use one");
  const all = names ?? (typeof v.name === 'string' && v.name ? [v.name] : []);
  if (!all.length) fail(where, 'names no syscall');
  if (v.args !== undefined && v.args !== null && !Array.isArray(v.args)) fail(`${where}.args`, 'must be a list');
  const args = ((v.args as unknown[] | null | undefined) ?? []).map((a, i) => arg(a, `${where}.args[${i}]`));
  const out: SeccompRule = { names: all, action: action(v.action, `${where}.action`) };
  const ret = errno(v.errnoRet, `${where}.errnoRet`);
  if (ret !== undefined) out.errnoRet = ret;
  if (args.length) out.args = args;
  const includes = condition(v.includes, `${where}.includes`);
  const excludes = condition(v.excludes, `${where}.excludes`);
  if (includes) out.includes = includes;
  if (excludes) out.excludes = excludes;
  return out;
}

function archMap(v: unknown): ArchMapEntry[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail('archMap', 'must be a list');
  return v.map((e, i) => {
    if (!isObject(e) || typeof e.architecture !== 'string') fail(`archMap[${i}]`, 'must be {architecture, subArchitectures}');
    return { architecture: e.architecture, subArchitectures: strings(e.subArchitectures, `archMap[${i}].subArchitectures`) ?? [] };
  });
}

/** Parses and checks a profile; `source` names it in messages (a file, or "--security-opt seccomp"). */
export function parseSeccompProfile(text: string, source: string): SeccompProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidError(`${source}: the seccomp profile is not valid JSON (${(err as Error).message})`);
  }
  try {
    if (!isObject(doc)) fail('the profile', 'must be a JSON object');
    const architectures = strings(doc.architectures, 'architectures');
    const map = archMap(doc.archMap);
    if (architectures?.length && map?.length) fail('the profile', "'architectures' and 'archMap' were both given: use one");
    if (doc.syscalls !== undefined && doc.syscalls !== null && !Array.isArray(doc.syscalls)) fail('syscalls', 'must be a list');
    const profile: SeccompProfile = {
      defaultAction: action(doc.defaultAction, 'defaultAction'),
      rules: ((doc.syscalls as unknown[] | null | undefined) ?? []).map((r, i) => rule(r, `syscalls[${i}]`)),
    };
    const defaultErrnoRet = errno(doc.defaultErrnoRet, 'defaultErrnoRet');
    if (defaultErrnoRet !== undefined) profile.defaultErrnoRet = defaultErrnoRet;
    if (architectures?.length) profile.architectures = architectures;
    if (map?.length) profile.archMap = map;
    const flags = strings(doc.flags, 'flags');
    if (flags?.length) profile.flags = flags;
    for (const key of ['listenerPath', 'listenerMetadata'] as const) {
      const value = doc[key];
      if (value === undefined || value === null || value === '') continue;
      if (typeof value !== 'string') fail(key, 'must be a string');
      profile[key] = value;
    }
    return profile;
  } catch (err) {
    if (err instanceof InvalidError) throw new InvalidError(`${source}: ${err.message}`);
    throw err;
  }
}
