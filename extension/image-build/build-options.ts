// What a build is asked to do besides "this Dockerfile": the options of Build Image's options step and
// of the `berth-build` task, as the docker CLI spells them (`--build-arg K=V`, `--secret id=x,env=Y`,
// `--ssh default`, `--target`, `--platform`, `--no-cache`, `--pull`). Checked here once, so the
// command, the task and the engine routes agree on what is valid. No VS Code imports.
import * as path from 'node:path';
import { dockerfileInstructions } from './dockerfile-steps.js';

/** Where a secret's value comes from: an environment variable or a file. Its value is never stored. */
export interface SecretSpec {
  id: string;
  env?: string;
  src?: string;
}

export interface BuildOptions {
  tag: string;
  /** The context folder, relative to the Dockerfile's folder (`.` by default) or absolute. */
  context: string;
  target?: string;
  buildArgs: Record<string, string>;
  secrets: SecretSpec[];
  /** `default` (the SSH_AUTH_SOCK agent) or `id=/path/to/agent.sock`, as `docker build --ssh`. */
  ssh: string[];
  platform?: string;
  noCache: boolean;
  pull: boolean;
}

export function defaultOptions(tag: string): BuildOptions {
  return { tag, context: '.', buildArgs: {}, secrets: [], ssh: [], noCache: false, pull: false };
}

const ID = /^[A-Za-z0-9_.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `id=x,env=Y` or `id=x,src=path` (as `docker build --secret`); the reason when it is not. */
export function parseSecretSpec(text: string): SecretSpec | string {
  const fields = new Map<string, string>();
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `"${part}" in secret "${text}" is not key=value; write id=NAME,env=VARIABLE or id=NAME,src=FILE`;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    // The CLI accepts `source` for `src` and `type=file|env` with src; so do we.
    const canonical = key === 'source' ? 'src' : key;
    if (!['id', 'env', 'src', 'type'].includes(canonical)) return `unknown key "${key}" in secret "${text}"; the keys are id, env and src`;
    fields.set(canonical, value);
  }
  const id = fields.get('id');
  if (!id) return `secret "${text}" has no id; write id=NAME,env=VARIABLE or id=NAME,src=FILE`;
  if (!ID.test(id)) return `secret id "${id}" may hold only letters, digits, ".", "_" and "-"`;
  let env = fields.get('env');
  let src = fields.get('src');
  const type = fields.get('type');
  if (type === 'env' && src && !env) [env, src] = [src, undefined];
  else if (type !== undefined && type !== 'env' && type !== 'file') return `secret type "${type}" is not env or file`;
  if (env && src) return `secret "${id}" names both env and src; give one`;
  if (!env && !src) return `secret "${id}" says neither where its value comes from: add env=VARIABLE or src=FILE`;
  if (env && !ENV_NAME.test(env)) return `"${env}" is not an environment variable name (secret "${id}")`;
  return env ? { id, env } : { id, src };
}

export function formatSecretSpec(s: SecretSpec): string {
  return s.env ? `id=${s.id},env=${s.env}` : `id=${s.id},src=${s.src ?? ''}`;
}

/** `default`, `default=/path` or `id=/path`; the reason when it is not. */
export function checkSshSpec(text: string): string | undefined {
  const [id, ...rest] = text.split('=');
  if (!id || !ID.test(id)) return `ssh "${text}": write default, or ID=/path/to/agent.sock`;
  const socket = rest.join('=');
  if (rest.length && !path.isAbsolute(socket)) return `ssh "${id}": the agent socket must be an absolute path (got "${socket}")`;
  if (!rest.length && id !== 'default') return `ssh "${id}" names no agent socket: write ${id}=/path/to/agent.sock (only "default" uses SSH_AUTH_SOCK)`;
  return undefined;
}

/** `KEY=VALUE` (as `--build-arg`); a bare KEY takes its value from the environment, as the CLI does. */
export function parseBuildArg(text: string, env: NodeJS.ProcessEnv): [string, string] | string {
  const eq = text.indexOf('=');
  const key = (eq < 0 ? text : text.slice(0, eq)).trim();
  if (!key || /\s/.test(key)) return `"${text}" is not KEY=VALUE`;
  if (eq >= 0) return [key, text.slice(eq + 1)];
  const value = env[key];
  if (value === undefined) return `build arg "${key}" has no value and no environment variable ${key} is set; write ${key}=VALUE`;
  return [key, value];
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

/** Every problem with a set of options, one sentence each (empty when they are valid). */
export function optionProblems(o: BuildOptions, stages?: readonly Stage[]): string[] {
  const problems: string[] = [];
  if (o.target && stages && !stages.some((s) => s.name === o.target)) {
    const named = stages.filter((s) => s.name).map((s) => s.name);
    problems.push(`the Dockerfile has no stage "${o.target}"${named.length ? ` (its stages: ${named.join(', ')})` : ' (none of its stages is named: add AS NAME to a FROM)'}`);
  }
  const ids = new Set<string>();
  for (const s of o.secrets) {
    const checked = parseSecretSpec(formatSecretSpec(s));
    if (typeof checked === 'string') problems.push(checked);
    if (ids.has(s.id)) problems.push(`secret "${s.id}" is given twice`);
    ids.add(s.id);
  }
  for (const s of o.ssh) {
    const p = checkSshSpec(s);
    if (p) problems.push(p);
  }
  if (o.platform && !o.platform.split(',').every((p) => PLATFORM.test(p.trim()))) problems.push(`"${o.platform}" is not a platform such as linux/amd64 or linux/arm64/v8`);
  for (const k of Object.keys(o.buildArgs)) if (!k || /\s|=/.test(k)) problems.push(`"${k}" is not a build arg name`);
  return problems;
}

export interface Stage {
  /** `AS name`, lower-cased as builders compare it. */
  name?: string;
  index: number;
  /** 0-based line of its FROM. */
  line: number;
  base: string;
}

/** The Dockerfile's stages in order, for the target picker and for mapping BuildKit's steps to lines. */
export function dockerfileStages(source: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of dockerfileInstructions(source)) {
    if (ins.keyword !== 'FROM') continue;
    const words = ins.text.split(/\s+/).slice(1).filter((w) => !w.startsWith('--'));
    const as = words.findIndex((w) => w.toLowerCase() === 'as');
    stages.push({ index: stages.length, line: ins.line, base: words[0] ?? '', name: as >= 0 && words[as + 1] ? words[as + 1].toLowerCase() : undefined });
  }
  return stages;
}

/** The build args the Dockerfile declares (`ARG NAME[=default]`), for the build-args step's suggestions. */
export function declaredArgs(source: string): { name: string; default?: string }[] {
  const seen = new Map<string, string | undefined>();
  for (const ins of dockerfileInstructions(source)) {
    if (ins.keyword !== 'ARG') continue;
    for (const word of ins.text.split(/\s+/).slice(1)) {
      const eq = word.indexOf('=');
      const name = eq < 0 ? word : word.slice(0, eq);
      if (name && !seen.has(name)) seen.set(name, eq < 0 ? undefined : word.slice(eq + 1).replace(/^["']|["']$/g, ''));
    }
  }
  return [...seen].map(([name, dflt]) => ({ name, default: dflt }));
}

/** One line saying what is set besides the tag, for the options step and the build log. */
export function summarize(o: BuildOptions): string {
  const parts: string[] = [];
  if (o.context !== '.') parts.push(`context ${o.context}`);
  if (o.target) parts.push(`target ${o.target}`);
  const args = Object.keys(o.buildArgs);
  if (args.length) parts.push(`build args ${args.join(', ')}`);
  if (o.secrets.length) parts.push(`secrets ${o.secrets.map((s) => s.id).join(', ')}`);
  if (o.ssh.length) parts.push(`ssh ${o.ssh.map((s) => s.split('=')[0]).join(', ')}`);
  if (o.platform) parts.push(`platform ${o.platform}`);
  if (o.noCache) parts.push('no cache');
  if (o.pull) parts.push('pull');
  return parts.join('; ');
}

/** Options read back from storage or a task definition: anything malformed is dropped, not trusted. */
export function coerceOptions(raw: unknown, fallbackTag: string): BuildOptions {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const args: Record<string, string> = {};
  if (o.buildArgs && typeof o.buildArgs === 'object' && !Array.isArray(o.buildArgs)) {
    for (const [k, v] of Object.entries(o.buildArgs as Record<string, unknown>)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') args[k] = String(v);
  }
  const secrets: SecretSpec[] = [];
  if (Array.isArray(o.secrets)) {
    for (const s of o.secrets) {
      if (typeof s === 'string') {
        const parsed = parseSecretSpec(s);
        if (typeof parsed !== 'string') secrets.push(parsed);
      } else if (s && typeof s === 'object' && typeof (s as SecretSpec).id === 'string') {
        const { id, env, src } = s as SecretSpec;
        secrets.push(typeof env === 'string' ? { id, env } : { id, src: typeof src === 'string' ? src : undefined });
      }
    }
  }
  return {
    tag: str(o.tag) ?? fallbackTag,
    context: str(o.context) ?? '.',
    target: str(o.target),
    buildArgs: args,
    secrets,
    ssh: Array.isArray(o.ssh) ? o.ssh.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [],
    platform: str(o.platform),
    noCache: o.noCache === true,
    pull: o.pull === true,
  };
}

/** The secret ids the Dockerfile's RUN --mount=type=secret flags name (id=, else the target's base name). */
export function secretIdsUsed(source: string): string[] {
  const ids = new Set<string>();
  for (const ins of dockerfileInstructions(source)) {
    if (ins.keyword !== 'RUN') continue;
    for (const m of ins.text.matchAll(/--mount=(\S+)/g)) {
      const fields = new Map(m[1].split(',').map((f) => [f.split('=')[0].toLowerCase(), f.slice(f.indexOf('=') + 1)] as [string, string]));
      if (fields.get('type') !== 'secret') continue;
      const id = fields.get('id') ?? (fields.get('target') ?? fields.get('dst') ?? fields.get('destination') ?? '').split('/').pop();
      if (id) ids.add(id);
    }
  }
  return [...ids];
}
