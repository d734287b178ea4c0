// A service's container as a create request of the Engine API (v1.41).
import type { ComposeProject, ServiceConfig } from '../model/types';
import { COMPOSE_VERSION, LABEL } from './labels';

export interface ContainerPlan {
  readonly name: string;
  readonly body: Record<string, unknown>;
  /** Networks beyond the first: API 1.41 takes one at create, the others are connected before start. */
  readonly extraNetworks: readonly { network: string; aliases: string[] }[];
}

export interface PlanInput {
  readonly project: ComposeProject;
  readonly service: ServiceConfig;
  readonly number: number;
  readonly name: string;
  readonly image: string;
  /** The image's ID, for the image label (recreate when it changes). */
  readonly imageId: string;
  readonly hash: string;
  readonly oneoff: boolean;
  /** run: the command replaces the service's. */
  readonly commandOverride?: readonly string[];
  readonly entrypointOverride?: readonly string[];
  readonly extraEnv?: readonly string[];
  readonly tty?: boolean;
  readonly stdin?: boolean;
  readonly user?: string;
  readonly workdir?: string;
}

export function composeLabels(project: ComposeProject, service: ServiceConfig, number: number, hash: string, oneoff: boolean, imageId: string): Record<string, string> {
  return {
    ...service.labels,
    [LABEL.project]: project.name,
    [LABEL.service]: service.name,
    [LABEL.number]: String(number),
    [LABEL.oneoff]: oneoff ? 'True' : 'False',
    [LABEL.configHash]: hash,
    [LABEL.workingDir]: project.workingDir,
    [LABEL.configFiles]: project.configFiles.join(','),
    [LABEL.dependsOn]: Object.entries(service.dependsOn).map(([n, d]) => `${n}:${d.condition}:${d.restart}`).join(','),
    [LABEL.image]: imageId,
    [LABEL.version]: COMPOSE_VERSION,
  };
}

export function containerPlan(p: PlanInput): ContainerPlan {
  const s = p.service;
  const networks = Object.entries(s.networks).map(([key, cfg]) => ({
    network: p.project.networks[key].name,
    // Compose makes every container reachable by its service name, and by the container name on
    // engines where the name alone is not enough.
    aliases: [s.name, ...cfg.aliases],
  }));
  const [primary, ...extra] = networks;
  const portBindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  const exposed: Record<string, object> = {};
  for (const port of s.ports) {
    const key = `${port.target}/${port.protocol}`;
    exposed[key] = {};
    if (p.oneoff) continue; // run does not publish the service's ports (compose run --service-ports would)
    (portBindings[key] ??= []).push({ HostIp: port.hostIp ?? '', HostPort: port.published ?? '' });
  }
  for (const e of s.expose) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  const binds: string[] = [];
  const mounts: Record<string, unknown>[] = [];
  for (const v of s.volumes) {
    if (v.type === 'bind' && v.createHostPath) binds.push(`${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
    else if (v.type === 'bind') mounts.push({ Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.readOnly });
    else if (v.type === 'volume') {
      mounts.push({ Type: 'volume', Source: v.source === undefined ? undefined : p.project.volumes[v.source].name, Target: v.target, ReadOnly: v.readOnly, ...(v.nocopy ? { VolumeOptions: { NoCopy: true } } : {}) });
    } else mounts.push({ Type: 'tmpfs', Target: v.target, ...(v.size ? { TmpfsOptions: { SizeBytes: v.size } } : {}) });
  }
  const hc = s.healthcheck;
  const body: Record<string, unknown> = {
    Image: p.image,
    Cmd: p.commandOverride ? [...p.commandOverride] : s.command ? [...s.command] : undefined,
    Entrypoint: p.entrypointOverride ? [...p.entrypointOverride] : s.entrypoint ? [...s.entrypoint] : undefined,
    Env: [...Object.entries(s.environment).map(([k, v]) => `${k}=${v}`), ...(p.extraEnv ?? [])],
    WorkingDir: p.workdir ?? s.workingDir,
    User: p.user ?? s.user,
    Hostname: s.hostname,
    Labels: composeLabels(p.project, s, p.number, p.hash, p.oneoff, p.imageId),
    ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
    Tty: p.tty ?? s.tty,
    OpenStdin: p.stdin ?? s.stdinOpen,
    AttachStdin: p.stdin ?? false,
    StdinOnce: p.stdin ?? false,
    AttachStdout: p.oneoff,
    AttachStderr: p.oneoff,
    StopSignal: s.stopSignal,
    StopTimeout: s.stopGracePeriodSeconds === undefined ? undefined : Math.ceil(s.stopGracePeriodSeconds),
    Healthcheck: hc === undefined ? undefined : {
      Test: hc.test ? [...hc.test] : undefined,
      Interval: hc.intervalNs,
      Timeout: hc.timeoutNs,
      Retries: hc.retries,
      StartPeriod: hc.startPeriodNs,
    },
    HostConfig: {
      NetworkMode: s.networkMode ?? primary?.network,
      PortBindings: Object.keys(portBindings).length ? portBindings : undefined,
      Binds: binds.length ? binds : undefined,
      Mounts: mounts.length ? mounts : undefined,
      Tmpfs: s.tmpfs.length ? Object.fromEntries(s.tmpfs.map((t) => { const i = t.indexOf(':'); return i < 0 ? [t, ''] : [t.slice(0, i), t.slice(i + 1)]; })) : undefined,
      RestartPolicy: p.oneoff ? undefined : restartPolicy(s.restart),
      NanoCpus: s.limits.nanoCpus,
      Memory: s.limits.memoryBytes,
      PidsLimit: s.limits.pids,
      Init: s.init,
      ExtraHosts: s.extraHosts.length ? [...s.extraHosts] : undefined,
      Privileged: s.privileged || undefined,
      ReadonlyRootfs: s.readOnly || undefined,
      CapAdd: s.capAdd.length ? [...s.capAdd] : undefined,
      CapDrop: s.capDrop.length ? [...s.capDrop] : undefined,
      ShmSize: s.shmSizeBytes,
    },
    NetworkingConfig: primary ? { EndpointsConfig: { [primary.network]: { Aliases: p.oneoff ? [] : primary.aliases } } } : undefined,
  };
  return { name: p.name, body: prune(body) as Record<string, unknown>, extraNetworks: extra };
}

export function restartPolicy(restart: string | undefined): { Name: string; MaximumRetryCount?: number } | undefined {
  if (restart === undefined || restart === 'no') return undefined;
  const m = /^on-failure(?::(\d+))?$/.exec(restart);
  if (m) return { Name: 'on-failure', MaximumRetryCount: m[1] ? Number(m[1]) : 0 };
  return { Name: restart };
}

/** Drops undefined fields, so the request carries only what the service sets. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(prune);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, prune(x)]));
  return v;
}
