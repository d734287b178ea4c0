// The container objects of the Engine API v1.41 as Go types: ContainerConfig, HostConfig (with its
// embedded Resources), NetworkingConfig, and the create and update bodies built from them. Written from
// the API's definitions (swagger v1.41: ContainerConfig, HostConfig, Resources, Mount, EndpointSettings,
// RestartPolicy, HealthConfig) with the Go type names dockerd 20.10 prints in its errors. Every field
// the API defines is here, used by Berth or not, because a decoded body keeps only the fields listed.
import { array, bool, emptyStruct, int, list, map, named, str, strList, strMap, strslice, struct } from './go-json.js';

export const healthConfig = struct('container.HealthConfig', {
  Test: strList,
  Interval: int('time.Duration'),
  Timeout: int('time.Duration'),
  StartPeriod: int('time.Duration'),
  Retries: int('int'),
});

/** container.Config; in a create body its fields sit at the top level (embedded in the wrapper). */
const configFields = {
  Hostname: str,
  Domainname: str,
  User: str,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ExposedPorts: map(emptyStruct, 'nat.PortSet'),
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  Env: strList,
  Cmd: strslice,
  Healthcheck: healthConfig,
  ArgsEscaped: bool,
  Image: str,
  Volumes: map(emptyStruct),
  WorkingDir: str,
  Entrypoint: strslice,
  NetworkDisabled: bool,
  MacAddress: str,
  OnBuild: strList,
  Labels: strMap,
  StopSignal: str,
  StopTimeout: int('int'),
  Shell: strslice,
};

export const containerConfig = struct('container.Config', configFields);

const weightDevice = struct('blkiodev.WeightDevice', { Path: str, Weight: int('uint16') });
const throttleDevice = struct('blkiodev.ThrottleDevice', { Path: str, Rate: int('uint64') });

const resourceFields = {
  CpuShares: int(),
  Memory: int(),
  NanoCpus: int(),
  CgroupParent: str,
  BlkioWeight: int('uint16'),
  BlkioWeightDevice: list(weightDevice),
  BlkioDeviceReadBps: list(throttleDevice),
  BlkioDeviceWriteBps: list(throttleDevice),
  BlkioDeviceReadIOps: list(throttleDevice),
  BlkioDeviceWriteIOps: list(throttleDevice),
  CpuPeriod: int(),
  CpuQuota: int(),
  CpuRealtimePeriod: int(),
  CpuRealtimeRuntime: int(),
  CpusetCpus: str,
  CpusetMems: str,
  Devices: list(struct('container.DeviceMapping', { PathOnHost: str, PathInContainer: str, CgroupPermissions: str })),
  DeviceCgroupRules: strList,
  DeviceRequests: list(struct('container.DeviceRequest', { Driver: str, Count: int('int'), DeviceIDs: strList, Capabilities: list(strList), Options: strMap })),
  KernelMemory: int(),
  KernelMemoryTCP: int(),
  MemoryReservation: int(),
  MemorySwap: int(),
  MemorySwappiness: int(),
  OomKillDisable: bool,
  PidsLimit: int(),
  Ulimits: list(struct('units.Ulimit', { Name: str, Hard: int(), Soft: int() })),
  CpuCount: int(),
  CpuPercent: int(),
  IOMaximumIOps: int('uint64'),
  IOMaximumBandwidth: int('uint64'),
};

export const restartPolicy = struct('container.RestartPolicy', { Name: str, MaximumRetryCount: int('int') });

const mount = struct('mount.Mount', {
  Type: named('mount.Type'),
  Source: str,
  Target: str,
  ReadOnly: bool,
  Consistency: named('mount.Consistency'),
  BindOptions: struct('mount.BindOptions', { Propagation: named('mount.Propagation'), NonRecursive: bool }),
  VolumeOptions: struct('mount.VolumeOptions', { NoCopy: bool, Labels: strMap, DriverConfig: struct('mount.Driver', { Name: str, Options: strMap }) }),
  TmpfsOptions: struct('mount.TmpfsOptions', { SizeBytes: int(), Mode: int('os.FileMode') }),
});

const portBinding = struct('nat.PortBinding', { HostIp: str, HostPort: str });

const hostConfigFields = {
  Binds: strList,
  ContainerIDFile: str,
  LogConfig: struct('container.LogConfig', { Type: str, Config: strMap }),
  NetworkMode: named('container.NetworkMode'),
  PortBindings: map(list(portBinding, '[]nat.PortBinding'), 'nat.PortMap'),
  RestartPolicy: restartPolicy,
  AutoRemove: bool,
  VolumeDriver: str,
  VolumesFrom: strList,
  ConsoleSize: array(int('uint'), 2),
  CapAdd: strslice,
  CapDrop: strslice,
  CgroupnsMode: named('container.CgroupnsMode'),
  Dns: strList,
  DnsOptions: strList,
  DnsSearch: strList,
  ExtraHosts: strList,
  GroupAdd: strList,
  IpcMode: named('container.IpcMode'),
  Cgroup: named('container.CgroupSpec'),
  Links: strList,
  OomScoreAdj: int('int'),
  PidMode: named('container.PidMode'),
  Privileged: bool,
  PublishAllPorts: bool,
  ReadonlyRootfs: bool,
  SecurityOpt: strList,
  StorageOpt: strMap,
  Tmpfs: strMap,
  UTSMode: named('container.UTSMode'),
  UsernsMode: named('container.UsernsMode'),
  ShmSize: int(),
  Sysctls: strMap,
  Runtime: str,
  Isolation: named('container.Isolation'),
  ...resourceFields,
  Mounts: list(mount),
  MaskedPaths: strList,
  ReadonlyPaths: strList,
  Init: bool,
};

export const hostConfig = struct('container.HostConfig', hostConfigFields);

export const endpointSettings = struct('network.EndpointSettings', {
  IPAMConfig: struct('network.EndpointIPAMConfig', { IPv4Address: str, IPv6Address: str, LinkLocalIPs: strList }),
  Links: strList,
  Aliases: strList,
  NetworkID: str,
  EndpointID: str,
  Gateway: str,
  IPAddress: str,
  IPPrefixLen: int('int'),
  IPv6Gateway: str,
  GlobalIPv6Address: str,
  GlobalIPv6PrefixLen: int('int'),
  MacAddress: str,
  DriverOpts: strMap,
});

const networkingConfig = struct('network.NetworkingConfig', { EndpointsConfig: map(endpointSettings) });

/**
 * POST /containers/create: the Config's fields, HostConfig and NetworkingConfig. dockerd's wrapper also
 * embeds a HostConfig at the top level (deprecated, still read by 20.10) and a `Cpuset` string, so a
 * top-level `"Memory": "lots"` is a type error there too; create-body.ts merges them as dockerd does.
 */
export const createBody = struct('runconfig.ContainerConfigWrapper', {
  ...configFields,
  ...hostConfigFields,
  Cpuset: str,
  HostConfig: hostConfig,
  NetworkingConfig: networkingConfig,
});

/** The names of the HostConfig fields a create body may carry at its top level. */
export const HOST_CONFIG_FIELDS: readonly string[] = Object.keys(hostConfigFields);

/** POST /containers/{id}/update: the Resources and the restart policy. */
export const updateBody = struct('container.UpdateConfig', { ...resourceFields, RestartPolicy: restartPolicy });
