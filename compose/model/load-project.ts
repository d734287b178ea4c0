// The whole Compose project from its files, the way `docker compose` finds and reads them:
// file lookup, .env, interpolation, the schema, include and extends, -f files merged in order,
// profiles, the project name, depends_on checked. Pure apart from reading files: no engine.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isObj } from './canonical';
import { startOrder } from './dependency-order';
import { parseDotenv, type Lookup } from './dotenv';
import { loadFileModel, mergeModels, type FileContext, type FileModel } from './file-model';
import { interpolateString } from './interpolate';
import { normalizeService } from './normalize-service';
import { ComposeError, KeyError, formatKey, type SourcePos } from './problem';
import { SourceIndex } from './source-index';
import type { ComposeProject, NetworkConfig, ServiceConfig, VolumeConfig } from './types';

export interface LoadOptions {
  /** -f files, relative to cwd; none: COMPOSE_FILE, else the default names in cwd and its parents. */
  readonly files?: readonly string[];
  readonly projectDirectory?: string;
  readonly projectName?: string;
  /** --profile; none: COMPOSE_PROFILES. */
  readonly profiles?: readonly string[];
  /** --env-file, relative to cwd; none: PROJECT_DIR/.env when it exists. */
  readonly envFiles?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** false: --no-interpolate. */
  readonly interpolate?: boolean;
  /** A file's text when the caller has a newer one than the disk (an editor's unsaved buffer). */
  readonly readText?: (file: string) => string | undefined;
}

export interface LoadProblem {
  readonly message: string;
  /** No Compose file was found (commands that work from labels alone, such as down -p NAME, can go on). */
  readonly noFiles?: boolean;
  readonly pos?: SourcePos;
  readonly key?: string;
}

export type LoadResult =
  | { readonly ok: true; readonly project: ComposeProject; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problem: LoadProblem; readonly warnings: readonly string[] };

class NoConfigFile extends ComposeError {}

export const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export function loadProject(opts: LoadOptions): LoadResult {
  const warnings: string[] = [];
  try {
    const project = load(opts, (w) => { if (!warnings.includes(w)) warnings.push(w); });
    return { ok: true, project, warnings };
  } catch (e) {
    if (e instanceof ComposeError) return { ok: false, problem: { message: e.message, pos: e.pos, key: e.key, noFiles: e instanceof NoConfigFile || undefined }, warnings };
    throw e;
  }
}

function load(opts: LoadOptions, warn: (w: string) => void): ComposeProject {
  const files = findFiles(opts, warn);
  const projectDir = path.resolve(opts.cwd, opts.projectDirectory ?? path.dirname(files[0]));
  const dotenv = readDotenv(opts, projectDir);
  const lookup: Lookup = (n) => opts.env[n] ?? dotenv[n];
  const index = new SourceIndex(opts.cwd);
  const ctx: FileContext = { baseDir: opts.cwd, lookup, interpolate: opts.interpolate !== false, index, warn, stack: [], cache: new Map(), readText: opts.readText };
  let merged: FileModel | undefined;
  // Relative paths in every -f file are relative to the project directory (the first file's folder
  // unless --project-directory), as Compose merges them; included and extended files keep their own.
  for (const f of files) {
    const m = loadFileModel(f, ctx, projectDir);
    merged = merged ? mergeModels(merged, m) : m;
  }
  const model = merged!;
  const at = (e: KeyError): never => {
    throw new ComposeError(e.message, index.locate(e.at), formatKey(e.at));
  };
  try {
    for (const [k, v] of Object.entries(model.other)) {
      const empty = v.value === null || (isObj(v.value) && Object.keys(v.value).length === 0);
      if (!empty) throw new KeyError([k], `top-level "${k}" is not supported by berth-compose`);
    }
    const name = projectName(opts, lookup, model, projectDir);
    const profiles = opts.profiles ?? (lookup('COMPOSE_PROFILES') ?? '').split(',').filter(Boolean);
    const services: Record<string, ServiceConfig> = {};
    const disabledServices: Record<string, ServiceConfig> = {};
    for (const [svcName, raw] of Object.entries(model.services)) {
      const svc = normalizeService(svcName, raw, { lookup, projectName: name });
      const enabled = svc.profiles.length === 0 || svc.profiles.some((p) => profiles.includes(p) || p === '*') || profiles.includes('*');
      (enabled ? services : disabledServices)[svcName] = svc;
    }
    // The default network exists when any service, enabled or not, uses it: naming a disabled service enables it.
    const networks = topNetworks(model.networks, name, { ...disabledServices, ...services });
    const volumes = topVolumes(model.volumes, name);
    checkReferences(services, disabledServices, networks, volumes, true);
    checkReferences(disabledServices, services, networks, volumes, false);
    const order = startOrder(services);
    if (!order.ok) throw new KeyError(['services', order.cycle[0], 'depends_on'], `dependency cycle: ${order.cycle.join(' -> ')}`);
    return { name, workingDir: projectDir, configFiles: files, services, disabledServices, networks, volumes };
  } catch (e) {
    if (e instanceof KeyError) at(e);
    throw e;
  }
}

function findFiles(opts: LoadOptions, warn: (w: string) => void): string[] {
  const fromEnv = opts.env.COMPOSE_FILE?.split(path.delimiter).filter(Boolean);
  const given = opts.files?.length ? opts.files : fromEnv;
  if (given?.length) {
    return given.map((f) => {
      const p = path.resolve(opts.cwd, f);
      if (!existsSync(p)) throw new ComposeError(`open ${p}: no such file or directory`);
      return p;
    });
  }
  for (let dir = path.resolve(opts.cwd, opts.projectDirectory ?? '.'); ; dir = path.dirname(dir)) {
    const found = DEFAULT_FILES.filter((f) => existsSync(path.join(dir, f)));
    if (found.length > 1) warn(`Found multiple config files with supported names: ${found.map((f) => path.join(dir, f)).join(', ')}\nUsing ${path.join(dir, found[0])}`);
    if (found.length) {
      const override = OVERRIDE_FILES.find((f) => existsSync(path.join(dir, f)));
      return [path.join(dir, found[0]), ...(override ? [path.join(dir, override)] : [])];
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new NoConfigFile(`no configuration file provided: not found (looked for ${DEFAULT_FILES.join(', ')} in ${opts.cwd} and its parents)`);
}

function readDotenv(opts: LoadOptions, projectDir: string): Record<string, string> {
  const files = opts.envFiles?.length ? opts.envFiles.map((f) => path.resolve(opts.cwd, f)) : [path.join(projectDir, '.env')];
  const out: Record<string, string> = {};
  for (const f of files) {
    if (!existsSync(f)) {
      if (opts.envFiles?.length) throw new ComposeError(`couldn't find env file: ${f}`);
      continue;
    }
    const rel = path.relative(opts.cwd, f);
    try {
      const interpolate = (v: string, earlier: Lookup) => interpolateString(v, (n) => opts.env[n] ?? earlier(n) ?? out[n]).value;
      for (const e of parseDotenv(readFileSync(f, 'utf8'), rel, interpolate)) {
        if (e.value !== undefined) out[e.key] = e.value;
      }
    } catch (e) {
      if (e instanceof ComposeError) throw e;
      throw new ComposeError(`${rel}: ${(e as Error).message}`);
    }
  }
  return out;
}

function projectName(opts: LoadOptions, lookup: Lookup, model: FileModel, projectDir: string): string {
  const explicit = opts.projectName ?? opts.env.COMPOSE_PROJECT_NAME ?? lookup('COMPOSE_PROJECT_NAME');
  if (explicit !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(explicit)) {
      throw new ComposeError(`invalid project name "${explicit}": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`);
    }
    return explicit;
  }
  if (model.name !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(model.name)) throw new KeyError(['name'], `invalid project name "${model.name}": lowercase letters, digits, '-' and '_' only, starting with a letter or digit`);
    return model.name;
  }
  const fromDir = path.basename(projectDir).toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
  if (!fromDir) throw new ComposeError(`cannot derive a project name from the folder "${projectDir}": give one with -p or name:`);
  return fromDir;
}

function topNetworks(raw: Record<string, unknown>, project: string, services: Record<string, ServiceConfig>): Record<string, NetworkConfig> {
  const out: Record<string, NetworkConfig> = {};
  const usesDefault = Object.values(services).some((s) => 'default' in s.networks);
  const entries = Object.entries(raw);
  if (usesDefault && !('default' in raw)) entries.unshift(['default', null]);
  for (const [key, def] of entries) {
    const n = (def ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(n)) {
      if (!['name', 'external', 'internal', 'driver', 'labels', 'ipam', 'attachable'].includes(k) && !k.startsWith('x-')) throw new KeyError(['networks', key, k], `"${k}" is not supported by berth-compose`);
    }
    const ipam = (n.ipam ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(ipam)) if (k !== 'config' && k !== 'driver') throw new KeyError(['networks', key, 'ipam', k], `"${k}" is not supported by berth-compose`);
    const configs = (ipam.config as Record<string, unknown>[] | undefined) ?? [];
    if (configs.length > 1) throw new KeyError(['networks', key, 'ipam', 'config'], 'more than one subnet is not supported by berth-compose');
    for (const k of Object.keys(configs[0] ?? {})) if (k !== 'subnet') throw new KeyError(['networks', key, 'ipam', 'config', 0, k], `"${k}" is not supported by berth-compose`);
    const external = Boolean(n.external);
    out[key] = {
      name: typeof n.name === 'string' ? n.name : external ? key : `${project}_${key}`,
      external,
      internal: Boolean(n.internal),
      driver: typeof n.driver === 'string' ? n.driver : undefined,
      labels: labels(n.labels),
      subnet: configs[0]?.subnet === undefined ? undefined : String(configs[0].subnet),
    };
  }
  return out;
}

function topVolumes(raw: Record<string, unknown>, project: string): Record<string, VolumeConfig> {
  const out: Record<string, VolumeConfig> = {};
  for (const [key, def] of Object.entries(raw)) {
    const v = (def ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(v)) {
      if (!['name', 'external', 'driver', 'labels'].includes(k) && !k.startsWith('x-')) throw new KeyError(['volumes', key, k], `"${k}" is not supported by berth-compose`);
    }
    const external = Boolean(v.external);
    out[key] = { name: typeof v.name === 'string' ? v.name : external ? key : `${project}_${key}`, external, driver: typeof v.driver === 'string' ? v.driver : undefined, labels: labels(v.labels) };
  }
  return out;
}

function labels(v: unknown): Record<string, string> {
  if (Array.isArray(v)) return Object.fromEntries(v.map(String).map((s) => [s.split('=')[0], s.slice(s.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries((v as Record<string, unknown> | undefined) ?? {}).map(([k, x]) => [k, String(x ?? '')]));
}

/**
 * `services` are checked against themselves and `others`. For enabled services (`enabled`), a
 * dependency that a profile disables is an error; a disabled service may depend on anything defined.
 */
function checkReferences(services: Record<string, ServiceConfig>, others: Record<string, ServiceConfig>, networks: Record<string, NetworkConfig>, volumes: Record<string, VolumeConfig>, enabled: boolean): void {
  const disabled = enabled ? others : {};
  for (const s of Object.values(services)) {
    for (const [dep, d] of Object.entries(s.dependsOn)) {
      if (dep in services || (!enabled && dep in others) || !d.required) continue;
      const why = dep in disabled ? `service "${dep}" is disabled by its profiles (${disabled[dep].profiles.join(', ')}); enable one with --profile` : `service "${dep}" is not defined`;
      throw new KeyError(['services', s.name, 'depends_on', dep], `service "${s.name}" depends on ${why}`);
    }
    for (const n of Object.keys(s.networks)) {
      if (!(n in networks)) throw new KeyError(['services', s.name, 'networks', n], `service "${s.name}" refers to undefined network ${n}`);
    }
    s.volumes.forEach((v, i) => {
      if (v.type === 'volume' && v.source !== undefined && !(v.source in volumes)) {
        throw new KeyError(['services', s.name, 'volumes', i], `service "${s.name}" refers to undefined volume ${v.source}: declare it under the top-level volumes:`);
      }
    });
  }
}
