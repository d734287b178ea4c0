// Container records written before request bodies were checked can hold values of the wrong type
// (`"Labels": {"a": 5}`), and one such record breaks `docker ps -a` and `docker system df` for every
// client. At start each record is decoded against its types: wrong values are dropped (the field takes
// its zero value); a record without a usable Id, Name or State is skipped. The caller logs either.
import { bool, int, list, map, repairValue, str, strList, struct, type DecodeProblem } from '../schema/go-json.js';
import { containerConfig, hostConfig } from '../schema/container-schema.js';
import { initialState, type ContainerRecord } from './record.js';

const healthState = struct('HealthState', {
  Status: str, FailingStreak: int('int'),
  Log: list(struct('HealthLog', { Start: str, End: str, ExitCode: int('int'), Output: str })),
});

const recordSchema = struct('ContainerRecord', {
  Id: str, Name: str, Created: str, Path: str, Args: strList, Image: str, ImageName: str,
  Config: containerConfig,
  HostConfig: hostConfig,
  State: struct('ContainerState', { Status: str, Pid: int('int'), ExitCode: int('int'), OOMKilled: bool, Error: str, StartedAt: str, FinishedAt: str, Health: healthState }),
  RestartCount: int('int'),
  ManuallyStopped: bool,
  Networks: map(struct('EndpointRecord', { NetworkID: str, IPAddress: str, IPPrefixLen: int('int'), Gateway: str, MacAddress: str, Aliases: strList })),
  Ports: map(list(struct('PortBinding', { HostIp: str, HostPort: str }))),
  Mounts: list(struct('MountRecord', { Type: str, Name: str, Source: str, Destination: str, RW: bool, Anonymous: bool })),
});

const ENDPOINT_ZERO = { NetworkID: '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: [] };
const PORT_ZERO = { HostIp: '', HostPort: '' };
const MOUNT_ZERO = { Source: '', RW: false };

const STATUSES = new Set(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

export type RepairResult =
  | { kind: 'ok'; record: ContainerRecord }
  | { kind: 'repaired'; record: ContainerRecord; problems: DecodeProblem[] }
  | { kind: 'skipped'; reason: string };

/**
 * Checks a record read from disk. Kept records come back normalized the way Go would read them (nulls
 * in lists and maps become zero values, null fields are unset, missing parts get their defaults), so the
 * rest of the daemon can rely on the types; keys the types do not list are kept as stored.
 */
export function repairRecord(raw: unknown): RepairResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { kind: 'skipped', reason: 'the record is not a JSON object' };
  const { value, problems } = repairValue<Partial<ContainerRecord>>(raw, recordSchema);
  const id = value.Id;
  if (!id || !/^[0-9a-f]{64}$/.test(id)) return { kind: 'skipped', reason: 'the record has no valid Id' };
  if (!value.Name?.startsWith('/')) return { kind: 'skipped', reason: 'the record has no valid Name' };
  if (!value.State || !STATUSES.has(value.State.Status)) return { kind: 'skipped', reason: 'the record has no valid State' };
  const record: ContainerRecord = {
    Created: new Date(0).toISOString(), Path: '', Args: [], Image: '', ImageName: '', Config: {}, HostConfig: {},
    RestartCount: 0, ManuallyStopped: false, Networks: {}, Ports: {}, Mounts: [],
    ...value,
    Id: id, Name: value.Name, State: { ...initialState(), ...value.State },
  };
  // The parts the daemon reads field by field get Go's zero values where a field is unset.
  record.Networks = Object.fromEntries(Object.entries(record.Networks).map(([name, e]) => [name, { ...ENDPOINT_ZERO, ...e }]));
  record.Ports = Object.fromEntries(Object.entries(record.Ports).map(([port, list]) => [port, (list ?? []).map((b) => ({ ...PORT_ZERO, ...b }))]));
  record.Mounts = record.Mounts.filter((m) => m.Type && m.Destination).map((m) => ({ ...MOUNT_ZERO, ...m }));
  return problems.length ? { kind: 'repaired', record, problems } : { kind: 'ok', record };
}
