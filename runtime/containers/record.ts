// The persisted record of one container (config.v2.json in its directory) and its lifecycle states.
import type { ContainerConfig, HostConfig } from './api-types.js';
import type { IdMap } from '../userns/id-pool.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface HealthState {
  Status: 'starting' | 'healthy' | 'unhealthy' | 'none';
  FailingStreak: number;
  Log: { Start: string; End: string; ExitCode: number; Output: string }[];
}

export interface ContainerState {
  Status: ContainerStatus;
  Pid: number;
  ExitCode: number;
  OOMKilled: boolean;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  Health?: HealthState;
}

/** One network of a container: what was asked for (aliases, address, links) and, while running, what it got. */
export interface EndpointRecord {
  NetworkID: string; IPAddress: string; IPPrefixLen: number; Gateway: string; MacAddress: string; Aliases: string[];
  IPAMConfig?: { IPv4Address?: string }; Links?: string[];
}

export interface ContainerRecord {
  Id: string;
  Name: string; // with the leading slash
  Created: string;
  Path: string;
  Args: string[];
  Image: string; // image ID
  ImageName: string; // as the user wrote it
  Config: ContainerConfig;
  HostConfig: HostConfig;
  State: ContainerState;
  RestartCount: number;
  /** Set by stop/kill from the user: unless-stopped and always do not restart after it. */
  ManuallyStopped: boolean;
  Networks: Record<string, EndpointRecord>;
  /** Published ports actually bound: "80/tcp" -> host bindings. */
  Ports: Record<string, { HostIp: string; HostPort: string }[]>;
  /** The network namespace of its current run (inspect's SandboxKey); a namespace made ahead has its own name. */
  SandboxKey?: string;
  /** Volume mounts resolved at create: anonymous and named. */
  Mounts: { Type: 'bind' | 'volume' | 'tmpfs'; Name?: string; Source: string; Destination: string; RW: boolean; Anonymous?: boolean }[];
  /** Its own user namespace's ids on the host (UsernsMode auto); kept until the container is removed. */
  IdMap?: IdMap;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

export function initialState(): ContainerState {
  return { Status: 'created', Pid: 0, ExitCode: 0, OOMKilled: false, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME };
}

export function isRunning(r: ContainerRecord): boolean {
  return r.State.Status === 'running' || r.State.Status === 'paused';
}


function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 1) return 'Less than a second';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} hour${h === 1 ? '' : 's'}`;
  return `${Math.round(h / 24)} days`;
}

export function statusText(r: ContainerRecord): string {
  const st = r.State;
  switch (st.Status) {
    case 'created': return 'Created';
    case 'running': {
      const health = st.Health && st.Health.Status !== 'none' ? ` (${st.Health.Status === 'starting' ? 'health: starting' : st.Health.Status})` : '';
      return `Up ${ago(st.StartedAt)}${health}`;
    }
    case 'paused': return `Up ${ago(st.StartedAt)} (Paused)`;
    case 'restarting': return `Restarting (${st.ExitCode}) ${ago(st.FinishedAt)} ago`;
    case 'removing': return 'Removal In Progress';
    case 'dead': return 'Dead';
    default: return `Exited (${st.ExitCode}) ${ago(st.FinishedAt)} ago`;
  }
}

function portList(r: ContainerRecord): { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] {
  const out: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] = [];
  const exposed = new Set([...Object.keys(r.Config.ExposedPorts ?? {}), ...Object.keys(r.Ports)]);
  for (const key of exposed) {
    const [port, proto = 'tcp'] = key.split('/');
    const bound = isRunning(r) ? r.Ports[key] ?? [] : [];
    if (!bound.length) out.push({ PrivatePort: Number(port), Type: proto });
    for (const b of bound) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

function quoteArg(a: string): string {
  return /[\s'"]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a;
}

export function networkSettings(r: ContainerRecord): Record<string, unknown> {
  const running = isRunning(r);
  const networks: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(r.Networks)) {
    networks[name] = {
      IPAMConfig: e.IPAMConfig ?? null, Links: e.Links ?? null, Aliases: e.Aliases.length ? e.Aliases : null, NetworkID: e.NetworkID,
      EndpointID: running ? e.NetworkID.slice(0, 12) + r.Id.slice(0, 52) : '',
      Gateway: running ? e.Gateway : '', IPAddress: running ? e.IPAddress : '', IPPrefixLen: running ? e.IPPrefixLen : 0,
      IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: running ? e.MacAddress : '', DriverOpts: null,
    };
  }
  const primary = Object.values(r.Networks)[0];
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  for (const key of Object.keys(r.Config.ExposedPorts ?? {})) ports[key] = null;
  if (running) for (const [k, v] of Object.entries(r.Ports)) ports[k] = v.map((b) => ({ HostIp: b.HostIp || '0.0.0.0', HostPort: b.HostPort }));
  return {
    Bridge: '', SandboxID: '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0, Ports: ports,
    SandboxKey: running ? r.SandboxKey ?? '' : '', SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: '', Gateway: running && primary ? primary.Gateway : '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: running && primary ? primary.IPAddress : '', IPPrefixLen: running && primary ? primary.IPPrefixLen : 0, IPv6Gateway: '',
    MacAddress: running && primary ? primary.MacAddress : '', Networks: networks,
  };
}

function mountViews(r: ContainerRecord): unknown[] {
  return r.Mounts.map((m) => ({
    Type: m.Type, Name: m.Name, Source: m.Source, Destination: m.Destination, Driver: m.Type === 'volume' ? 'local' : undefined,
    Mode: m.Type === 'bind' ? (m.RW ? 'rw' : 'ro') : 'z', RW: m.RW, Propagation: m.Type === 'bind' ? 'rprivate' : '',
  }));
}

export function summaryView(r: ContainerRecord, imageRef: string): Record<string, unknown> {
  return {
    Id: r.Id, Names: [r.Name], Image: imageRef, ImageID: r.Image,
    Command: [r.Path, ...r.Args].map(quoteArg).join(' '), Created: Math.floor(Date.parse(r.Created) / 1000),
    Ports: portList(r), Labels: r.Config.Labels ?? {}, State: r.State.Status, Status: statusText(r),
    HostConfig: { NetworkMode: r.HostConfig.NetworkMode || 'default' },
    NetworkSettings: { Networks: (networkSettings(r) as { Networks: unknown }).Networks }, Mounts: mountViews(r),
  };
}

export function inspectView(r: ContainerRecord, logPath: string): Record<string, unknown> {
  const st = r.State;
  return {
    Id: r.Id, Created: r.Created, Path: r.Path, Args: r.Args,
    State: {
      Status: st.Status, Running: isRunning(r), Paused: st.Status === 'paused', Restarting: st.Status === 'restarting',
      OOMKilled: st.OOMKilled, Dead: st.Status === 'dead', Pid: isRunning(r) ? st.Pid : 0, ExitCode: st.ExitCode, Error: st.Error,
      StartedAt: st.StartedAt, FinishedAt: st.FinishedAt, ...(st.Health ? { Health: st.Health } : {}),
    },
    Image: r.Image, ResolvConfPath: '', HostnamePath: '', HostsPath: '', LogPath: logPath, Name: r.Name,
    RestartCount: r.RestartCount, Driver: 'overlay2', Platform: 'linux', MountLabel: '', ProcessLabel: '', AppArmorProfile: '',
    ExecIDs: null, HostConfig: { NetworkMode: 'default', RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, LogConfig: { Type: 'json-file', Config: {} }, UsernsMode: '', ...r.HostConfig },
    GraphDriver: { Name: 'overlay2', Data: null }, Mounts: mountViews(r),
    Config: { Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: false, AttachStderr: false, Tty: false, OpenStdin: false, StdinOnce: false, Env: [], Cmd: null, Image: r.ImageName, Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null, Labels: {}, ...r.Config },
    NetworkSettings: networkSettings(r),
  };
}
