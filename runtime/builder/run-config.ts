// The builder's run config (Docker's container.Config): what a step runs with and what the image
// keeps. Helpers copy it (steps must never share arrays or maps) and write it in Docker's field
// order with Docker's defaults, so configs read like the ones Docker Engine writes.
import type { ContainerConfig } from '../images/image-config.js';

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

export interface RunConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts?: Record<string, object>;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, object> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number;
  Shell?: string[];
}

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHELL = ['/bin/sh', '-c'];

const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.map(String) : null);
const record = <T>(v: unknown): Record<string, T> | null => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, T>) } : null);

/** A run config from an image's `config` (any shape Docker or OCI wrote), copied. */
export function runConfigFrom(c: ContainerConfig | undefined): RunConfig {
  const src = c ?? {};
  const out: RunConfig = {
    Hostname: String(src.Hostname ?? ''),
    Domainname: String(src.Domainname ?? ''),
    User: String(src.User ?? ''),
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: strings(src.Env),
    Cmd: strings(src.Cmd),
    Image: String(src.Image ?? ''),
    Volumes: record<object>(src.Volumes),
    WorkingDir: String(src.WorkingDir ?? ''),
    Entrypoint: strings(src.Entrypoint),
    OnBuild: strings(src.OnBuild),
    Labels: record<string>(src.Labels),
  };
  const ports = record<object>(src.ExposedPorts);
  if (ports && Object.keys(ports).length) out.ExposedPorts = ports;
  if (src.Healthcheck && typeof src.Healthcheck === 'object') out.Healthcheck = cloneHealth(src.Healthcheck as HealthConfig);
  if (src.ArgsEscaped) out.ArgsEscaped = true;
  if (src.StopSignal) out.StopSignal = String(src.StopSignal);
  if (typeof src.StopTimeout === 'number') out.StopTimeout = src.StopTimeout;
  const shell = strings(src.Shell);
  if (shell?.length) out.Shell = shell;
  return out;
}

function cloneHealth(h: HealthConfig): HealthConfig {
  return { ...h, ...(h.Test ? { Test: [...h.Test] } : {}) };
}

/** A deep copy with `changes` applied. */
export function copyRunConfig(c: RunConfig, changes: Partial<RunConfig> = {}): RunConfig {
  const out: RunConfig = {
    ...c,
    Env: c.Env ? [...c.Env] : null,
    Cmd: c.Cmd ? [...c.Cmd] : null,
    Entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
    OnBuild: c.OnBuild ? [...c.OnBuild] : null,
    Volumes: c.Volumes ? { ...c.Volumes } : null,
    Labels: c.Labels ? { ...c.Labels } : null,
  };
  if (c.ExposedPorts) out.ExposedPorts = { ...c.ExposedPorts };
  if (c.Shell) out.Shell = [...c.Shell];
  if (c.Healthcheck) out.Healthcheck = cloneHealth(c.Healthcheck);
  return Object.assign(out, changes);
}

/** The shell that prefixes shell-form commands. */
export function shellOf(c: RunConfig): string[] {
  return c.Shell?.length ? [...c.Shell] : [...DEFAULT_SHELL];
}

/** Docker's "#(nop)" command that stands for a step without a process (two-word form). */
export function nopCmd(c: RunConfig, comment: string): string[] {
  return [...shellOf(c), '#(nop) ', comment];
}

/** The one-word "#(nop)" form WORKDIR, COPY and ADD use. */
export function nopCmdString(c: RunConfig, comment: string): string[] {
  return [...shellOf(c), `#(nop) ${comment}`];
}

/** Sets NAME=value in the env, replacing an existing NAME in place. */
export function setEnv(env: string[], name: string, value: string): string[] {
  const entry = `${name}=${value}`;
  const i = env.findIndex((e) => e.split('=', 1)[0] === name);
  if (i >= 0) env[i] = entry;
  else env.push(entry);
  return env;
}

export function envValue(env: readonly string[] | null, name: string): string | undefined {
  const e = env?.find((x) => x.split('=', 1)[0] === name);
  return e === undefined ? undefined : e.slice(name.length + 1);
}

/** The run config as Docker serializes container.Config (field order, omitempty fields). */
export function toDockerJson(c: RunConfig): Record<string, unknown> {
  const o: Record<string, unknown> = {
    Hostname: c.Hostname, Domainname: c.Domainname, User: c.User,
    AttachStdin: c.AttachStdin, AttachStdout: c.AttachStdout, AttachStderr: c.AttachStderr,
  };
  if (c.ExposedPorts && Object.keys(c.ExposedPorts).length) o.ExposedPorts = sortKeys(c.ExposedPorts);
  Object.assign(o, { Tty: c.Tty, OpenStdin: c.OpenStdin, StdinOnce: c.StdinOnce, Env: c.Env, Cmd: c.Cmd });
  if (c.Healthcheck) o.Healthcheck = c.Healthcheck;
  if (c.ArgsEscaped) o.ArgsEscaped = true;
  Object.assign(o, {
    Image: c.Image, Volumes: c.Volumes && sortKeys(c.Volumes), WorkingDir: c.WorkingDir, Entrypoint: c.Entrypoint,
    OnBuild: c.OnBuild, Labels: c.Labels && sortKeys(c.Labels),
  });
  if (c.StopSignal) o.StopSignal = c.StopSignal;
  if (c.StopTimeout !== undefined) o.StopTimeout = c.StopTimeout;
  if (c.Shell?.length) o.Shell = c.Shell;
  return o;
}

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * What makes two steps the same for the cache: everything but the image the config was made on
 * (the cache key names the parent separately), the hostname and attach flags.
 */
export function cacheIdentity(c: RunConfig): string {
  const o = toDockerJson(c);
  for (const k of ['Hostname', 'Domainname', 'Image', 'AttachStdin', 'AttachStdout', 'AttachStderr']) delete o[k];
  return JSON.stringify(o);
}
