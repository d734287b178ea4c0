// One Compose file (and what it includes and extends) as a canonical, mergeable model: read,
// interpolated, checked against the schema, short forms expanded, include and extends resolved.
import * as path from 'node:path';
import { canonicalService, isObj, resolvePath } from './canonical';
import type { Lookup } from './dotenv';
import { interpolateTree, InterpolationError } from './interpolate';
import { mergeSection, mergeService } from './merge';
import { ComposeError, KeyError, formatKey, type KeyPath } from './problem';
import { readComposeFile, type ReadFile } from './read-file';
import { validateAgainstSchema } from './schema';
import { locateIn, type SourceIndex } from './source-index';

type Obj = Record<string, unknown>;

export interface FileModel {
  name?: string;
  services: Record<string, Obj>;
  networks: Obj;
  volumes: Obj;
  /** Top-level keys other than the ones above, for the caller to accept or refuse. */
  other: Record<string, { value: unknown }>;
}

export interface FileContext {
  readonly baseDir: string;
  readonly lookup: Lookup;
  readonly interpolate: boolean;
  readonly index: SourceIndex;
  readonly warn: (message: string) => void;
  /** Files being read, for include and extends cycles. */
  readonly stack: readonly string[];
  /** Already read and prepared files (extends may name the same file many times). */
  readonly cache: Map<string, { file: ReadFile; data: Obj }>;
  readonly readText?: (file: string) => string | undefined;
}

/**
 * Reads, interpolates, validates and canonicalizes one file; throws ComposeError at file:line.
 * `dir`: what its relative paths are relative to (the file's folder, or the project directory for -f files).
 */
export function prepareFile(file: string, ctx: FileContext, indexPriority: 'high' | 'low' = 'high', dir = path.dirname(file)): { file: ReadFile; data: Obj } {
  const cached = ctx.cache.get(file);
  if (cached) return cached;
  const read = readComposeFile(file, ctx.baseDir, ctx.readText?.(file));
  if (indexPriority === 'high') ctx.index.add(read);
  const fail = (at: KeyPath, message: string): never => {
    throw new ComposeError(message, locateIn(read, at, ctx.baseDir) ?? locateIn(read, at.slice(0, -1), ctx.baseDir), formatKey(at));
  };
  let data: Obj = read.data;
  if (ctx.interpolate) {
    const warned = new Set<string>();
    try {
      data = interpolateTree(read.data, ctx.lookup, (name) => {
        if (warned.has(name)) return;
        warned.add(name);
        ctx.warn(`The "${name}" variable is not set. Defaulting to a blank string.`);
      }) as Obj;
    } catch (e) {
      if (e instanceof InterpolationError) fail((e as InterpolationError & { at: KeyPath }).at, e.message);
      throw e;
    }
  }
  const problem = validateAgainstSchema(data);
  if (problem) fail(problem.at, problem.message);
  const services: Obj = {};
  try {
    for (const [name, svc] of Object.entries((data.services as Obj | undefined) ?? {})) {
      services[name] = canonicalService(isObj(svc) ? svc : {}, dir, ['services', name]);
    }
  } catch (e) {
    if (e instanceof KeyError) fail(e.at, e.message);
    throw e;
  }
  const prepared = { file: read, data: { ...data, services } };
  ctx.cache.set(file, prepared);
  return prepared;
}

/**
 * The model of one file with its includes and extends resolved. `dir`: see prepareFile; an included
 * file's paths are relative to its own folder.
 */
export function loadFileModel(file: string, ctx: FileContext, dir = path.dirname(file)): FileModel {
  if (ctx.stack.includes(file)) throw new ComposeError(`include cycle: ${[...ctx.stack, file].map((f) => path.relative(ctx.baseDir, f)).join(' -> ')}`);
  const inner: FileContext = { ...ctx, stack: [...ctx.stack, file] };
  const { file: read, data } = prepareFile(file, inner, 'high', dir);
  const fail = (at: KeyPath, message: string): never => {
    throw new ComposeError(message, locateIn(read, at, ctx.baseDir), formatKey(at));
  };
  const model: FileModel = {
    name: typeof data.name === 'string' ? data.name : undefined,
    services: {},
    networks: (data.networks as Obj | undefined) ?? {},
    volumes: (data.volumes as Obj | undefined) ?? {},
    other: {},
  };
  for (const [k, v] of Object.entries(data)) {
    if (!['name', 'services', 'networks', 'volumes', 'include', 'version'].includes(k) && !k.startsWith('x-')) model.other[k] = { value: v };
  }
  const own = data.services as Record<string, Obj>;
  for (const name of Object.keys(own)) model.services[name] = resolveExtends(file, name, inner, [], fail);

  // include: each entry is a project of its own, merged in; a name defined twice is an error.
  const includes = (data.include as unknown[] | undefined) ?? [];
  includes.forEach((entry, i) => {
    const e: Obj = typeof entry === 'string' ? { path: entry } : (entry as Obj);
    const paths = (Array.isArray(e.path) ? e.path : [e.path]).map((p) => resolvePath(path.dirname(file), String(p)));
    if (e.env_file !== undefined || e.project_directory !== undefined) {
      fail(['include', i, e.env_file !== undefined ? 'env_file' : 'project_directory'], 'not supported by berth-compose yet: the included file is read with the including project\'s environment and folder');
    }
    let included: FileModel | undefined;
    for (const p of paths) {
      const m = loadFileModel(p, inner);
      included = included ? mergeModels(included, m) : m;
    }
    for (const [kind, section] of [['services', included!.services], ['networks', included!.networks], ['volumes', included!.volumes]] as const) {
      const mine = model[kind] as Obj;
      for (const [name, def] of Object.entries(section)) {
        if (name in mine) fail([kind, name], `${kind}.${name} conflicts with the ${kind.slice(0, -1)} of the same name imported by include[${i}] (${path.relative(ctx.baseDir, paths[0])})`);
        mine[name] = def;
      }
    }
  });
  return model;
}

/** A service with its `extends` chain applied (the base first, then this service's keys over it). */
function resolveExtends(file: string, name: string, ctx: FileContext, chain: readonly string[], fail: (at: KeyPath, m: string) => never): Obj {
  const { data } = prepareFile(file, ctx);
  const svc = (data.services as Record<string, Obj>)[name];
  const ext = svc.extends as { service: string; file?: string } | undefined;
  if (!ext) return svc;
  const id = `${file}#${name}`;
  if (chain.includes(id)) fail(['services', name, 'extends'], `extends cycle: ${[...chain, id].map((c) => c.split('#')[1]).join(' -> ')}`);
  const baseFile = ext.file ?? file;
  const base = baseFile === file ? undefined : prepareFile(baseFile, ctx, 'low');
  if (base) ctx.index.add(base.file, { from: ['services', ext.service], to: ['services', name] }, 'low');
  const baseServices = (base ? base.data : data).services as Record<string, Obj>;
  if (!(ext.service in baseServices)) {
    fail(['services', name, 'extends', 'service'], `service "${ext.service}" not found${ext.file ? ` in ${path.relative(ctx.baseDir, baseFile)}` : ''}`);
  }
  const resolvedBase = resolveExtends(baseFile, ext.service, ctx, [...chain, id], fail);
  const { extends: _ignored, ...own } = svc;
  void _ignored;
  // depends_on is never inherited through extends (Docker's documentation of extends): dependencies
  // stay visible where the service is defined.
  const { depends_on: _deps, ...baseWithoutDeps } = resolvedBase;
  void _deps;
  return mergeService(baseWithoutDeps, own);
}

export function mergeModels(a: FileModel, b: FileModel): FileModel {
  const services: Record<string, Obj> = { ...a.services };
  for (const [k, v] of Object.entries(b.services)) services[k] = services[k] ? mergeService(services[k], v) : v;
  return {
    name: b.name ?? a.name,
    services,
    networks: mergeSection(a.networks, b.networks),
    volumes: mergeSection(a.volumes, b.volumes),
    other: { ...a.other, ...b.other },
  };
}
