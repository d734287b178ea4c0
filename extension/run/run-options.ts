// Run with Options: what `docker run` flags say (--name, -p, -e, --env-file, -v, --network, --restart,
// --rm, a command), checked as the CLI checks them and turned into the Engine API's create body.
// No VS Code imports.
import * as path from 'node:path';
import { LOOPBACK, type PortChecker } from './port-plan.js';

export interface RunOptions {
  name?: string;
  /** `-p` values: `8080:80`, `127.0.0.1:8080:80/udp`, `80` (any free host port). */
  ports: string[];
  /** `-e` values: `KEY=VALUE`, or `KEY` to pass the variable of VS Code's environment. */
  env: string[];
  /** `--env-file` paths (relative to the workspace folder). */
  envFiles: string[];
  /** `-v` values: `volume:/path[:ro]`, `/host/path:/path[:ro]`, `./rel:/path` (relative to the workspace folder). */
  volumes: string[];
  network?: string;
  restart: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  autoRemove: boolean;
  /** Replaces the image's CMD, split like a shell would split simple words (quotes kept together). */
  command?: string;
}

export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

export function defaultRunOptions(exposed: readonly string[]): RunOptions {
  return { ports: exposed.map((p) => p.replace(/\/tcp$/, '')), env: [], envFiles: [], volumes: [], restart: 'no', autoRemove: false };
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function checkName(name: string): string | undefined {
  return !name || NAME.test(name) ? undefined : `"${name}" is not a container name: letters, digits, "_", "." and "-", starting with a letter or digit`;
}

export interface PortSpec {
  hostIp: string;
  /** Empty: the engine or Berth picks a free one. */
  hostPort: string;
  containerPort: string;
}

/** `-p` as the CLI reads it; the reason when it is not one. Without a host address, Berth publishes on 127.0.0.1. */
export function parsePort(text: string): PortSpec | string {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(?:(\d{0,5}):)?(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(text.trim());
  if (!m) return `"${text}" is not a port: write CONTAINER, HOST:CONTAINER or IP:HOST:CONTAINER, with /udp or /sctp when not tcp`;
  const container = Number(m[3]);
  const host = m[2] ? Number(m[2]) : undefined;
  if (container < 1 || container > 65535 || (host !== undefined && (host < 1 || host > 65535))) return `"${text}": ports are 1 to 65535`;
  return { hostIp: (m[1] ?? LOOPBACK).replace(/^\[|\]$/g, ''), hostPort: m[2] ?? '', containerPort: `${container}/${m[4] ?? 'tcp'}` };
}

export function checkEnv(text: string): string | undefined {
  const key = text.split('=')[0];
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) ? undefined : `"${text}" is not KEY=VALUE (or KEY)`;
}

export interface VolumeSpec {
  /** A volume name, or an absolute host path for a bind mount. */
  source: string;
  target: string;
  readOnly: boolean;
}

export function parseVolume(text: string, baseDir: string): VolumeSpec | string {
  const parts = text.trim().split(':');
  if (parts.length < 2 || parts.length > 3) return `"${text}" is not SOURCE:TARGET[:ro]`;
  const [source, target, mode] = parts;
  if (!target.startsWith('/')) return `"${text}": the path in the container must be absolute`;
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') return `"${text}": the mode is ro or rw`;
  const isPath = source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
  if (!isPath && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(source)) return `"${source}" is neither a volume name nor a path`;
  return { source: isPath ? path.resolve(baseDir, source) : source, target, readOnly: mode === 'ro' };
}

/** `--env-file` contents: KEY=VALUE lines, `#` comments, a bare KEY takes VS Code's environment's value. */
export function parseEnvFile(text: string, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.includes('=')) out.push(line);
    else if (env[line] !== undefined) out.push(`${line}=${env[line]}`);
  }
  return out;
}

/** Simple words: spaces split, single and double quotes keep a word together. */
export function splitCommand(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

export function optionProblems(o: RunOptions, baseDir: string): string[] {
  const problems: string[] = [];
  if (o.name) {
    const p = checkName(o.name);
    if (p) problems.push(p);
  }
  for (const p of o.ports) {
    const r = parsePort(p);
    if (typeof r === 'string') problems.push(r);
  }
  for (const e of o.env) {
    const r = checkEnv(e);
    if (r) problems.push(r);
  }
  for (const v of o.volumes) {
    const r = parseVolume(v, baseDir);
    if (typeof r === 'string') problems.push(r);
  }
  if (o.autoRemove && o.restart !== 'no') problems.push('--rm cannot go with a restart policy (the engine refuses it): turn one off');
  return problems;
}

export interface CreateBody {
  name?: string;
  Image: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  ExposedPorts: Record<string, object>;
  HostConfig: {
    PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
    Binds?: string[];
    Mounts?: { Type: 'volume'; Source: string; Target: string; ReadOnly: boolean }[];
    NetworkMode?: string;
    RestartPolicy?: { Name: string; MaximumRetryCount?: number };
    AutoRemove: boolean;
  };
}

/** The create body; `hostPorts` fills the ports the user left to Berth (planned on the host beforehand). */
export function createBody(image: string, o: RunOptions, baseDir: string, envFromFiles: readonly string[], env: NodeJS.ProcessEnv, hostPorts: ReadonlyMap<string, string> = new Map()): CreateBody {
  const ExposedPorts: Record<string, object> = {};
  const PortBindings: CreateBody['HostConfig']['PortBindings'] = {};
  for (const p of o.ports) {
    const spec = parsePort(p);
    if (typeof spec === 'string') throw new Error(spec);
    ExposedPorts[spec.containerPort] = {};
    (PortBindings[spec.containerPort] ??= []).push({ HostIp: spec.hostIp, HostPort: spec.hostPort || hostPorts.get(spec.containerPort) || '' });
  }
  const vars = [...envFromFiles, ...o.env.map((e) => (e.includes('=') ? e : env[e] !== undefined ? `${e}=${env[e]}` : e))];
  const binds: string[] = [];
  const mounts: NonNullable<CreateBody['HostConfig']['Mounts']> = [];
  for (const v of o.volumes) {
    const spec = parseVolume(v, baseDir);
    if (typeof spec === 'string') throw new Error(spec);
    if (spec.source.startsWith('/')) binds.push(`${spec.source}:${spec.target}${spec.readOnly ? ':ro' : ''}`);
    else mounts.push({ Type: 'volume', Source: spec.source, Target: spec.target, ReadOnly: spec.readOnly });
  }
  const cmd = o.command?.trim() ? splitCommand(o.command) : undefined;
  return {
    ...(o.name ? { name: o.name } : {}),
    Image: image,
    ...(cmd ? { Cmd: cmd } : {}),
    ...(vars.length ? { Env: vars } : {}),
    ExposedPorts,
    HostConfig: {
      PortBindings,
      ...(binds.length ? { Binds: binds } : {}),
      ...(mounts.length ? { Mounts: mounts } : {}),
      ...(o.network ? { NetworkMode: o.network } : {}),
      ...(o.restart !== 'no' ? { RestartPolicy: { Name: o.restart } } : {}),
      AutoRemove: o.autoRemove,
    },
  };
}

/** Stored options read back: malformed parts dropped. */
export function coerceRunOptions(raw: unknown, fallback: RunOptions): RunOptions {
  const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const list = (v: unknown, d: string[]): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : d);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  return {
    name: str(o.name),
    ports: list(o.ports, fallback.ports),
    env: list(o.env, []),
    envFiles: list(o.envFiles, []),
    volumes: list(o.volumes, []),
    network: str(o.network),
    restart: (RESTART_POLICIES as readonly string[]).includes(o.restart as string) ? (o.restart as RunOptions['restart']) : 'no',
    autoRemove: o.autoRemove === true,
    command: str(o.command),
  };
}

/**
 * Host ports for the ports the user left open: the container's own number when it is free here, else any
 * free one. Only for a local engine (`checker`); a remote engine picks them itself.
 */
export async function planHostPorts(o: RunOptions, checker: PortChecker | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!checker) return out;
  for (const p of o.ports) {
    const spec = parsePort(p);
    if (typeof spec === 'string' || spec.hostPort) continue;
    const wanted = Number(spec.containerPort.split('/')[0]);
    const free = wanted >= 1024 && ![...out.values()].includes(String(wanted)) && (await checker.isFree(wanted, spec.hostIp));
    out.set(spec.containerPort, String(free ? wanted : await checker.anyFree(spec.hostIp)));
  }
  return out;
}

/** The env files' variables, read relative to `baseDir`; the reason when one cannot be read. */
export async function readEnvFiles(files: readonly string[], baseDir: string, env: NodeJS.ProcessEnv, read: (file: string) => Promise<string>): Promise<string[] | string> {
  const out: string[] = [];
  for (const f of files) {
    const file = path.resolve(baseDir, f);
    try {
      out.push(...parseEnvFile(await read(file), env));
    } catch (err) {
      return `the env file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
    }
  }
  return out;
}
