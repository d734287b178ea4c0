// The other JSON request bodies of the Engine API v1.41 as Go types (swagger v1.41: ExecConfig,
// ExecStartConfig, NetworkCreateRequest, NetworkConnect/Disconnect, VolumeCreateOptions, AuthConfig),
// with the Go type names dockerd 20.10 prints in its errors.
import { bool, int, list, str, strList, strMap, struct } from './go-json.js';
import { endpointSettings } from './container-schema.js';

export const execCreateBody = struct('types.ExecConfig', {
  User: str,
  Privileged: bool,
  Tty: bool,
  ConsoleSize: list(int('uint')),
  AttachStdin: bool,
  AttachStderr: bool,
  AttachStdout: bool,
  Detach: bool,
  DetachKeys: str,
  Env: strList,
  WorkingDir: str,
  Cmd: strList,
});

export const execStartBody = struct('types.ExecStartCheck', { Detach: bool, Tty: bool, ConsoleSize: list(int('uint')) });

const ipamConfig = struct('network.IPAMConfig', { Subnet: str, IPRange: str, Gateway: str, AuxiliaryAddresses: strMap });

export const networkCreateBody = struct('types.NetworkCreateRequest', {
  Name: str,
  CheckDuplicate: bool,
  Driver: str,
  Scope: str,
  EnableIPv6: bool,
  IPAM: struct('network.IPAM', { Driver: str, Options: strMap, Config: list(ipamConfig) }),
  Internal: bool,
  Attachable: bool,
  Ingress: bool,
  ConfigOnly: bool,
  ConfigFrom: struct('network.ConfigReference', { Network: str }),
  Options: strMap,
  Labels: strMap,
});

export const networkConnectBody = struct('types.NetworkConnect', { Container: str, EndpointConfig: endpointSettings });

export const networkDisconnectBody = struct('types.NetworkDisconnect', { Container: str, Force: bool });

export const volumeCreateBody = struct('volume.VolumeCreateBody', { Name: str, Driver: str, DriverOpts: strMap, Labels: strMap });

export const authBody = struct('types.AuthConfig', {
  username: str,
  password: str,
  auth: str,
  email: str,
  serveraddress: str,
  identitytoken: str,
  registrytoken: str,
});
