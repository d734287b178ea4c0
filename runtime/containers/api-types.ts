// The parts of the Docker Engine API (v1.41) container objects that the runtime core honours.
// Field names follow the wire format so request bodies can be used as they arrive.
import type { EndpointSettings } from './endpoints.js';

export interface HealthConfig {
  Test?: string[] | null;
  Interval?: number; // nanoseconds
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig | null;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
}

export interface PortBinding { HostIp?: string; HostPort?: string }

export interface Ulimit { Name: string; Soft: number; Hard: number }

export interface MountSpec {
  Type: 'bind' | 'volume' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string } | null;
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string> } | null;
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null;
}

export interface RestartPolicy { Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure'; MaximumRetryCount?: number }

export interface HostConfig {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, PortBinding[] | null> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  CapAdd?: string[] | null;
  CapDrop?: string[] | null;
  Dns?: string[] | null;
  DnsOptions?: string[] | null;
  DnsSearch?: string[] | null;
  ExtraHosts?: string[] | null;
  /** "name:alias": on a user-defined network, links of the endpoint of NetworkMode's network. */
  Links?: string[] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  SecurityOpt?: string[] | null;
  /** null/absent: Docker's defaults; [] (the CLI's --security-opt systempaths=unconfined): none. */
  MaskedPaths?: string[] | null;
  ReadonlyPaths?: string[] | null;
  Tmpfs?: Record<string, string> | null;
  ShmSize?: number;
  Sysctls?: Record<string, string> | null;
  Init?: boolean | null;
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  MemorySwappiness?: number | null;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  CpusetCpus?: string;
  CpusetMems?: string;
  OomScoreAdj?: number;
  CgroupnsMode?: string;
  Isolation?: string;
  PidsLimit?: number | null;
  Ulimits?: Ulimit[] | null;
  Mounts?: MountSpec[] | null;
  LogConfig?: { Type?: string; Config?: Record<string, string> };
  ConsoleSize?: [number, number];
  /** "" (the engine's default), "host" or "auto" (runtime/userns/). */
  UsernsMode?: string;
  /** Only "host" is looked at (refused with a user namespace, as dockerd does). */
  PidMode?: string;
}

/** Image config as stored in the OCI image config's `config` field. */
export interface ImageRunConfig {
  User?: string;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Volumes?: Record<string, object> | null;
  ExposedPorts?: Record<string, object> | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Healthcheck?: HealthConfig | null;
}

export interface CreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointSettings | null> | null } | null;
}
