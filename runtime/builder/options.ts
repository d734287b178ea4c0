// The parameters of POST /build (legacy builder, what `DOCKER_BUILDKIT=0 docker build` and dockerode
// send), checked up front so bad input is a 400 before any output.
import { InvalidError } from '../errdefs.js';
import type { Ulimit } from '../containers/api-types.js';
import { canonicalString, parseReference, withDefaultTag } from '../images/reference.js';
import { queryBool, queryInt } from '../api/query.js';
import type { Platform } from '../../dockerfile/expansion/predefined.js';
import { checkRunnable, parseBuildPlatform } from './platform.js';
import { hostPlatform } from '../images/platform.js';

export interface BuildResources {
  Memory?: number;
  MemorySwap?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  ShmSize?: number;
  Ulimits?: Ulimit[];
}

export interface BuildOptions {
  /** Path of the Dockerfile inside the context. */
  dockerfile: string;
  /** Canonical references to tag the result with, duplicates removed, in request order. */
  tags: string[];
  /** `--build-arg`: null means "named without a value" (only a warning when unused). */
  buildArgs: Map<string, string | null>;
  /** `--label`: added to the last stage as LABEL steps, sorted by key. */
  labels: Map<string, string>;
  target?: string;
  noCache: boolean;
  pull: boolean;
  quiet: boolean;
  /** Remove intermediate containers after a successful step (default), or always with forceRemove. */
  remove: boolean;
  forceRemove: boolean;
  resources: BuildResources;
  /** `default`, `bridge`, `host`, `none`. */
  networkMode: string;
  extraHosts: string[];
  cacheFrom: string[];
  /** `--platform`: what the build targets (this machine's platform when not given). */
  platform: Platform;
}

export function parseBuildOptions(q: URLSearchParams): BuildOptions {
  if (q.get('remote')) {
    throw new InvalidError('building from a remote context (URL or git repository) is not supported: send the context as a tar, e.g. docker build DIR');
  }
  if (queryBool(q, 'squash')) throw new InvalidError('--squash is not supported by this engine');
  if (q.get('version') === '2') {
    throw new InvalidError('BuildKit builds are not supported by this engine; build with DOCKER_BUILDKIT=0 (the legacy builder)');
  }
  if (q.getAll('securityopt').length) throw new InvalidError('security options are not supported on linux builds');
  const isolation = q.get('isolation');
  if (isolation && isolation !== 'default') throw new InvalidError(`unsupported isolation: "${isolation}"`);
  const platform = buildPlatform(q.get('platform'));
  const forceRemove = queryBool(q, 'forcerm');
  return {
    dockerfile: dockerfilePath(q.get('dockerfile')),
    tags: parseTags(q.getAll('t')),
    buildArgs: parseBuildArgs(q.get('buildargs')),
    labels: parseLabels(q.get('labels')),
    target: q.get('target') || undefined,
    noCache: queryBool(q, 'nocache'),
    pull: queryBool(q, 'pull'),
    quiet: queryBool(q, 'q'),
    remove: forceRemove || queryBool(q, 'rm', true),
    forceRemove,
    resources: parseResources(q),
    networkMode: parseNetworkMode(q.get('networkmode')),
    extraHosts: q.getAll('extrahosts').flatMap((h) => h.split(',')).filter(Boolean).map(checkExtraHost),
    cacheFrom: parseJsonList(q.get('cachefrom'), 'cachefrom'),
    platform,
  };
}

/** The request's platform, refused up front when this machine cannot run its programs. */
function buildPlatform(raw: string | null): Platform {
  if (!raw) return hostPlatform();
  const p = parseBuildPlatform(raw);
  checkRunnable(p, raw);
  return p;
}

function dockerfilePath(raw: string | null): string {
  const name = raw || 'Dockerfile';
  if (name.startsWith('/')) throw new InvalidError(`the Dockerfile (${name}) must be inside the build context: use a path relative to it`);
  return name;
}

function parseTags(raw: string[]): string[] {
  const out: string[] = [];
  for (const t of raw) {
    if (t === '') continue;
    const ref = parseReference(t);
    if (ref.digest) throw new InvalidError(`build tag cannot contain a digest: ${t}`);
    const canonical = canonicalString(withDefaultTag(ref));
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

function parseJson(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidError(`error reading ${what}: ${raw} is not valid JSON`);
  }
}

function parseBuildArgs(raw: string | null): Map<string, string | null> {
  const out = new Map<string, string | null>();
  if (!raw) return out;
  const v = parseJson(raw, 'build args');
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidError('error reading build args: expected a JSON object like {"NAME":"value"}');
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val !== null && typeof val !== 'string') throw new InvalidError(`error reading build args: the value of ${k} must be a string or null`);
    out.set(k, val);
  }
  return out;
}

function parseLabels(raw: string | null): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw) return out;
  const v = parseJson(raw, 'labels');
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidError('error reading labels: expected a JSON object like {"key":"value"}');
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') throw new InvalidError(`error reading labels: the value of ${k} must be a string`);
    out.set(k, val);
  }
  return out;
}

function parseJsonList(raw: string | null, what: string): string[] {
  if (!raw) return [];
  const v = parseJson(raw, what);
  if (v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new InvalidError(`error reading ${what}: expected a JSON list of strings`);
  return v as string[];
}

function parseResources(q: URLSearchParams): BuildResources {
  const r: BuildResources = {};
  const num = (name: string): number | undefined => {
    const v = queryInt(q, name);
    if (v !== undefined && v < 0 && name !== 'memswap') throw new InvalidError(`invalid value for "${name}": ${v} must not be negative`);
    return v || undefined;
  };
  r.Memory = num('memory');
  r.MemorySwap = num('memswap');
  r.CpuShares = num('cpushares');
  r.CpuPeriod = num('cpuperiod');
  r.CpuQuota = num('cpuquota');
  r.ShmSize = num('shmsize');
  r.CpusetCpus = q.get('cpusetcpus') || undefined;
  r.CpusetMems = q.get('cpusetmems') || undefined;
  const ulimits = q.get('ulimits');
  if (ulimits) {
    const v = parseJson(ulimits, 'ulimit settings');
    // Docker's 20.10 client sends `ulimits=null` when none are given; dockerd reads that as none.
    if (v !== null && !Array.isArray(v)) throw new InvalidError('error reading ulimit settings: expected a JSON list');
    if (Array.isArray(v)) r.Ulimits = v as Ulimit[];
  }
  if (q.get('cgroupparent')) throw new InvalidError('--cgroup-parent is not supported for builds by this engine');
  for (const k of Object.keys(r) as (keyof BuildResources)[]) if (r[k] === undefined) delete r[k];
  return r;
}

function parseNetworkMode(raw: string | null): string {
  const mode = raw || 'default';
  if (['default', 'bridge', 'host', 'none'].includes(mode)) return mode;
  throw new InvalidError(`network mode "${mode}" is not supported for builds: use default, bridge, host or none`);
}

function checkExtraHost(entry: string): string {
  const i = entry.indexOf(':');
  if (i <= 0 || i === entry.length - 1) throw new InvalidError(`invalid extra host "${entry}": use HOST:IP`);
  return entry;
}
