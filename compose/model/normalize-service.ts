// A merged service (canonical long form) as the typed ServiceConfig: every value checked, durations and
// sizes converted, env_file read, and every key berth-compose cannot carry out refused by name.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isObj } from './canonical';
import { parseDotenv, type Lookup } from './dotenv';
import { interpolateString } from './interpolate';
import { KeyError, type KeyPath } from './problem';
import type { BuildConfig, Dependency, HealthcheckConfig, PortConfig, ServiceConfig, ServiceNetwork, VolumeMount } from './types';
import { parseBytes, parseDurationNs, shellSplit } from './units';

type Obj = Record<string, unknown>;

/** Keys carried out. Any other schema-valid key is refused (never silently dropped). */
const SERVICE_KEYS = new Set([
  'image', 'build', 'pull_policy', 'command', 'entrypoint', 'environment', 'env_file', 'working_dir', 'user', 'restart',
  'labels', 'ports', 'expose', 'volumes', 'tmpfs', 'networks', 'network_mode', 'depends_on', 'healthcheck', 'deploy',
  'scale', 'init', 'extra_hosts', 'container_name', 'hostname', 'tty', 'stdin_open', 'stop_signal', 'stop_grace_period',
  'privileged', 'read_only', 'cap_add', 'cap_drop', 'shm_size', 'mem_limit', 'cpus', 'pids_limit', 'profiles', 'extends',
]);
const BUILD_KEYS = new Set(['context', 'dockerfile', 'args', 'target', 'labels']);
// start_interval is left out: it needs Engine API 1.44, and berth-compose speaks 1.41 to every engine.
const HEALTH_KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'disable']);
const PORT_KEYS = new Set(['target', 'published', 'host_ip', 'protocol', 'mode', 'name']);
const VOLUME_KEYS = new Set(['type', 'source', 'target', 'read_only', 'volume', 'bind', 'tmpfs']);

export interface NormalizeContext {
  readonly lookup: Lookup;
  readonly projectName: string;
}

export function normalizeService(name: string, s: Obj, ctx: NormalizeContext): ServiceConfig {
  const at = (...k: (string | number)[]): KeyPath => ['services', name, ...k];
  for (const k of Object.keys(s)) {
    if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) throw new KeyError(at(k), `"${k}" is not supported by berth-compose`);
  }
  if (s.image === undefined && s.build === undefined) throw new KeyError(at(), `service "${name}" has neither an image nor a build context`);
  const deploy = isObj(s.deploy) ? s.deploy : {};
  const limits = deployLimits(deploy, at('deploy'));
  const replicas = replicaCount(s, deploy, at);
  const networkMode = s.network_mode === undefined ? undefined : String(s.network_mode);
  if (networkMode !== undefined && s.networks !== undefined) throw new KeyError(at('network_mode'), 'network_mode and networks cannot both be set');
  if (networkMode !== undefined && /^(service|container):/.test(networkMode)) throw new KeyError(at('network_mode'), `"${networkMode}" is not supported by berth-compose: use a shared network instead`);
  const memLimit = s.mem_limit === undefined ? undefined : bytes(s.mem_limit, at('mem_limit'));
  return {
    name,
    image: s.image === undefined ? undefined : String(s.image),
    build: s.build === undefined ? undefined : build(s.build as Obj, at('build')),
    pullPolicy: pullPolicy(s.pull_policy, at('pull_policy')),
    command: command(s.command, at('command')),
    entrypoint: command(s.entrypoint, at('entrypoint')),
    environment: environment(s, ctx, at),
    workingDir: optString(s.working_dir),
    user: optString(s.user),
    restart: restart(s.restart, at('restart')),
    labels: stringMap(s.labels),
    ports: ((s.ports as unknown[] | undefined) ?? []).flatMap((p, i) => ports(p, at('ports', i))),
    expose: ((s.expose as unknown[] | undefined) ?? []).map(String),
    volumes: ((s.volumes as Obj[] | undefined) ?? []).map((v, i) => volume(v, at('volumes', i))),
    tmpfs: ((s.tmpfs as unknown[] | undefined) ?? []).map(String),
    networks: networkMode !== undefined ? {} : serviceNetworks(s.networks, at('networks')),
    networkMode,
    dependsOn: dependsOn(s.depends_on, at('depends_on')),
    healthcheck: s.healthcheck === undefined ? undefined : healthcheck(s.healthcheck as Obj, at('healthcheck')),
    limits: {
      nanoCpus: limits.nanoCpus ?? (s.cpus === undefined ? undefined : cpus(s.cpus, at('cpus'))),
      memoryBytes: limits.memoryBytes ?? memLimit,
      pids: limits.pids ?? (s.pids_limit === undefined ? undefined : Number(s.pids_limit)),
    },
    replicas,
    init: s.init === undefined ? undefined : Boolean(s.init),
    extraHosts: Object.entries((s.extra_hosts as Record<string, string[]> | undefined) ?? {}).flatMap(([h, ips]) => ips.map((ip) => `${h}:${ip}`)),
    containerName: optString(s.container_name),
    hostname: optString(s.hostname),
    tty: Boolean(s.tty),
    stdinOpen: Boolean(s.stdin_open),
    stopSignal: optString(s.stop_signal),
    stopGracePeriodSeconds: s.stop_grace_period === undefined ? undefined : duration(s.stop_grace_period, at('stop_grace_period')) / 1e9,
    privileged: Boolean(s.privileged),
    readOnly: Boolean(s.read_only),
    capAdd: ((s.cap_add as unknown[] | undefined) ?? []).map(String),
    capDrop: ((s.cap_drop as unknown[] | undefined) ?? []).map(String),
    shmSizeBytes: s.shm_size === undefined ? undefined : bytes(s.shm_size, at('shm_size')),
    profiles: ((s.profiles as unknown[] | undefined) ?? []).map(String),
  };
}

function restart(v: unknown, at: KeyPath): string | undefined {
  if (v === undefined) return undefined;
  const r = String(v);
  if (!/^(no|always|unless-stopped|on-failure(:\d+)?)$/.test(r)) throw new KeyError(at, `"${r}" is not a restart policy (no, always, on-failure[:N], unless-stopped)`);
  return r;
}

function optString(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : String(v);
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries((v as Obj | undefined) ?? {}).map(([k, x]) => [k, x === null ? '' : String(x)]));
}

function refuseOthers(o: Obj, allowed: Set<string>, at: KeyPath): void {
  for (const k of Object.keys(o)) if (!allowed.has(k) && !k.startsWith('x-')) throw new KeyError([...at, k], `"${k}" is not supported by berth-compose`);
}

function build(b: Obj, at: KeyPath): BuildConfig {
  refuseOthers(b, BUILD_KEYS, at);
  const context = String(b.context ?? '.');
  if (/^[a-z]+:\/\//.test(context) || context.startsWith('git@')) throw new KeyError([...at, 'context'], 'a remote build context is not supported by berth-compose');
  const dockerfile = b.dockerfile === undefined ? 'Dockerfile' : String(b.dockerfile);
  return {
    context,
    // The build API takes the Dockerfile's path inside the context tar.
    dockerfile: path.isAbsolute(dockerfile) ? path.relative(context, dockerfile) : dockerfile,
    args: Object.fromEntries(Object.entries((b.args as Obj | undefined) ?? {}).filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)])),
    target: optString(b.target),
    labels: stringMap(b.labels),
  };
}

function pullPolicy(v: unknown, at: KeyPath): ServiceConfig['pullPolicy'] {
  if (v === undefined || v === 'missing' || v === 'if_not_present') return 'missing';
  if (v === 'always' || v === 'never' || v === 'build') return v;
  throw new KeyError(at, `pull_policy "${String(v)}" is not supported by berth-compose (use missing, always, never or build)`);
}

function command(v: unknown, at: KeyPath): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v.map(String);
  const words = shellSplit(String(v));
  if (!words) throw new KeyError(at, `unterminated quote in ${JSON.stringify(v)}`);
  return words;
}

function environment(s: Obj, ctx: NormalizeContext, at: (...k: (string | number)[]) => KeyPath): Record<string, string> {
  const env: Record<string, string> = {};
  const files = (s.env_file as { path: string; required?: boolean; format?: string }[] | undefined) ?? [];
  files.forEach((f, i) => {
    if (f.format !== undefined && f.format !== 'raw' && f.format !== '') throw new KeyError(at('env_file', i, 'format'), `env_file format "${f.format}" is not supported`);
    let text: string;
    try {
      text = readFileSync(f.path, 'utf8');
    } catch {
      if (f.required === false) return;
      throw new KeyError(at('env_file', i), `env file ${f.path} not found`);
    }
    const entries = f.format === 'raw'
      ? text.split(/\r?\n/).filter((l) => l.includes('=')).map((l) => ({ key: l.slice(0, l.indexOf('=')), value: l.slice(l.indexOf('=') + 1) as string | undefined }))
      : parseDotenv(text, f.path, (value, earlier) => interpolateString(value, (n) => earlier(n) ?? env[n] ?? ctx.lookup(n)).value);
    for (const e of entries) {
      const v = e.value ?? ctx.lookup(e.key);
      if (v !== undefined) env[e.key] = v;
    }
  });
  for (const [k, v] of Object.entries((s.environment as Obj | undefined) ?? {})) {
    // `KEY` alone (or `KEY:` with no value): the value from the environment Compose runs in, or unset.
    const value = v === null ? ctx.lookup(k) : String(v);
    if (value === undefined) delete env[k];
    else env[k] = value;
  }
  return env;
}

/** One `ports` entry (short or long form) as port configs; throws KeyError naming what is wrong. */
export function ports(p: unknown, at: KeyPath): PortConfig[] {
  if (isObj(p)) {
    refuseOthers(p, PORT_KEYS, at);
    const target = Number(p.target);
    if (!Number.isInteger(target) || target < 1 || target > 65535) throw new KeyError([...at, 'target'], `"${String(p.target)}" is not a port number`);
    return [{ target, published: optString(p.published), hostIp: optString(p.host_ip), protocol: protocol(p.protocol ?? 'tcp', at) }];
  }
  const s = String(p);
  const m = /^(?:(?:\[([0-9a-fA-F:.]+)\]|(\d+\.\d+\.\d+\.\d+)):)?(?:(\d*(?:-\d+)?):)?(\d+(?:-\d+)?)(?:\/(\w+))?$/.exec(s);
  if (!m) throw new KeyError(at, `"${s}" is not [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`);
  const hostIp = m[1] ?? m[2];
  const [cFrom, cTo = cFrom] = m[4].split('-').map(Number);
  const published = m[3] || undefined;
  const [hFrom, hTo] = published ? published.split('-').map(Number) : [undefined, undefined];
  const count = cTo - cFrom + 1;
  if (count < 1 || cFrom < 1 || cTo > 65535) throw new KeyError(at, `"${s}" has an invalid container port range`);
  if (hFrom !== undefined && hTo !== undefined && hTo - hFrom + 1 !== count) throw new KeyError(at, `"${s}": the host and container port ranges differ in size`);
  const proto = protocol(m[5] ?? 'tcp', at);
  return Array.from({ length: count }, (_, i) => ({
    target: cFrom + i,
    published: hFrom === undefined ? undefined : hTo === undefined && count === 1 ? String(hFrom) : String(hFrom + i),
    hostIp,
    protocol: proto,
  }));
}

function protocol(v: unknown, at: KeyPath): PortConfig['protocol'] {
  const p = String(v).toLowerCase();
  if (p === 'tcp' || p === 'udp' || p === 'sctp') return p;
  throw new KeyError(at, `unknown protocol "${p}"`);
}

function volume(v: Obj, at: KeyPath): VolumeMount {
  refuseOthers(v, VOLUME_KEYS, at);
  const target = String(v.target ?? '');
  if (!target.startsWith('/')) throw new KeyError([...at, 'target'], `the mount target "${target}" must be an absolute path`);
  const readOnly = Boolean(v.read_only);
  switch (v.type) {
    case 'volume':
      if (isObj(v.volume)) refuseOthers(v.volume, new Set(['nocopy']), [...at, 'volume']);
      return { type: 'volume', source: optString(v.source), target, readOnly, nocopy: Boolean((v.volume as Obj | undefined)?.nocopy) };
    case 'bind':
      if (isObj(v.bind)) refuseOthers(v.bind, new Set(['create_host_path', 'selinux']), [...at, 'bind']);
      if (typeof v.source !== 'string') throw new KeyError(at, 'a bind mount needs a source');
      return { type: 'bind', source: v.source, target, readOnly, createHostPath: (v.bind as Obj | undefined)?.create_host_path !== false };
    case 'tmpfs': {
      const size = (v.tmpfs as Obj | undefined)?.size;
      return { type: 'tmpfs', target, size: size === undefined ? undefined : bytes(size, [...at, 'tmpfs', 'size']) };
    }
    default:
      throw new KeyError([...at, 'type'], `volume type "${String(v.type)}" is not supported by berth-compose (volume, bind or tmpfs)`);
  }
}

function serviceNetworks(v: unknown, at: KeyPath): Record<string, ServiceNetwork> {
  if (v === undefined) return { default: { aliases: [] } };
  const out: Record<string, ServiceNetwork> = {};
  for (const [name, cfg] of Object.entries(v as Obj)) {
    const c = (cfg ?? {}) as Obj;
    refuseOthers(c, new Set(['aliases']), [...at, name]);
    out[name] = { aliases: ((c.aliases as unknown[] | undefined) ?? []).map(String) };
  }
  return out;
}

function dependsOn(v: unknown, at: KeyPath): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  for (const [name, d] of Object.entries((v as Record<string, Obj> | undefined) ?? {})) {
    refuseOthers(d, new Set(['condition', 'required', 'restart']), [...at, name]);
    out[name] = { condition: d.condition as Dependency['condition'], required: d.required !== false, restart: Boolean(d.restart) };
  }
  return out;
}

function healthcheck(h: Obj, at: KeyPath): HealthcheckConfig {
  refuseOthers(h, HEALTH_KEYS, at);
  if (h.disable === true) return { test: ['NONE'] };
  let test: string[] | undefined;
  if (typeof h.test === 'string') test = ['CMD-SHELL', h.test];
  else if (Array.isArray(h.test)) test = h.test.map(String);
  if (test && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0])) throw new KeyError([...at, 'test'], 'a healthcheck test list must start with CMD, CMD-SHELL or NONE');
  const d = (k: string) => (h[k] === undefined ? undefined : duration(h[k], [...at, k]));
  return {
    test,
    intervalNs: d('interval'),
    timeoutNs: d('timeout'),
    retries: h.retries === undefined ? undefined : Number(h.retries),
    startPeriodNs: d('start_period'),
    startIntervalNs: d('start_interval'),
  };
}

function deployLimits(deploy: Obj, at: KeyPath): ServiceConfig['limits'] {
  refuseOthers(deploy, new Set(['resources', 'replicas', 'mode']), at);
  if (deploy.mode !== undefined && deploy.mode !== 'replicated') throw new KeyError([...at, 'mode'], `deploy mode "${String(deploy.mode)}" is not supported by berth-compose`);
  const res = (deploy.resources ?? {}) as Obj;
  refuseOthers(res, new Set(['limits']), [...at, 'resources']);
  const lim = (res.limits ?? {}) as Obj;
  const lat: KeyPath = [...at, 'resources', 'limits'];
  refuseOthers(lim, new Set(['cpus', 'memory', 'pids']), lat);
  return {
    nanoCpus: lim.cpus === undefined ? undefined : cpus(lim.cpus, [...lat, 'cpus']),
    memoryBytes: lim.memory === undefined ? undefined : bytes(lim.memory, [...lat, 'memory']),
    pids: lim.pids === undefined ? undefined : Number(lim.pids),
  };
}

function replicaCount(s: Obj, deploy: Obj, at: (...k: (string | number)[]) => KeyPath): number {
  const r = s.scale ?? deploy.replicas;
  if (r === undefined) return 1;
  const n = Number(r);
  if (!Number.isInteger(n) || n < 0) throw new KeyError(s.scale !== undefined ? at('scale') : at('deploy', 'replicas'), `"${String(r)}" is not a number of replicas`);
  if (n > 1 && s.container_name !== undefined) throw new KeyError(at('container_name'), `a service with container_name cannot have ${n} replicas: the name must be unique`);
  return n;
}

function cpus(v: unknown, at: KeyPath): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new KeyError(at, `"${String(v)}" is not a number of CPUs`);
  return Math.round(n * 1e9);
}

function bytes(v: unknown, at: KeyPath): number {
  const n = parseBytes(v as string | number);
  if (n === undefined) throw new KeyError(at, `"${String(v)}" is not a size (such as 512m or 1g)`);
  return n;
}

function duration(v: unknown, at: KeyPath): number {
  const n = parseDurationNs(v as string | number);
  if (n === undefined) throw new KeyError(at, `"${String(v)}" is not a duration (such as 10s or 1m30s)`);
  return n;
}
