// The daemon's cgroup driver, chosen once at start (--cgroup-driver, else dockerd's default: systemd
// where systemd runs the machine on the unified hierarchy, cgroupfs otherwise) and kept in the daemon's
// mode value, which the modules that need it are given. A rootless daemon uses cgroupfs inside the
// cgroup delegated to it, or no cgroups at all where nothing is delegated.
import { InvalidError } from '../errdefs.js';
import { checkDelegation, claimDelegation } from './delegation.js';
import { type CgroupDriver, type CgroupDriverName, V1Cgroupfs, V2Cgroupfs, V2Systemd } from './driver.js';
import { probeCgroupHost, type CgroupHost } from './host.js';
import { runtimeWithFlags } from './runtime-flags.js';

export function parseDriverName(v: string): CgroupDriverName {
  if (v !== 'systemd' && v !== 'cgroupfs') throw new InvalidError(`--cgroup-driver "${v}": use systemd or cgroupfs`);
  return v;
}

/** dockerd's default: systemd on a unified (v2) host booted by systemd, cgroupfs otherwise. */
export function defaultDriverName(host: CgroupHost): CgroupDriverName {
  return host.version === 2 && host.systemd ? 'systemd' : 'cgroupfs';
}

/** The driver to use, or an InvalidError that says why the requested one cannot work here. */
export function chooseDriverName(requested: CgroupDriverName | undefined, host: CgroupHost, rootless: boolean): CgroupDriverName {
  if (rootless) {
    if (requested === 'systemd') throw new InvalidError('--cgroup-driver systemd: a rootless berthd places containers in the cgroup delegated to it (cgroupfs); leave the option out');
    return 'cgroupfs';
  }
  if (requested === 'systemd') {
    if (host.version !== 2) throw new InvalidError('--cgroup-driver systemd: this host mounts cgroup v1 controllers; Berth uses the systemd driver only on the unified cgroup v2 hierarchy (boot with systemd.unified_cgroup_hierarchy=1), or use cgroupfs');
    if (!host.systemd) throw new InvalidError('--cgroup-driver systemd: systemd is not running this machine (no /run/systemd/system); use cgroupfs');
  }
  return requested ?? defaultDriverName(host);
}

export interface CgroupSetup {
  driver: CgroupDriverName;
  version: 1 | 2;
  /** Rootless only: the folder delegated to the daemon, or why there is none (limits are then left out). */
  delegated?: string;
  noDelegation?: string;
}

/**
 * Chooses the driver; a rootless daemon also takes over its delegated cgroup here. Call once, at daemon
 * start (main.ts): the result goes into the daemon's mode value (daemon/engine-mode.ts), which every
 * module below takes instead of reading the environment.
 */
export function configureCgroups(requested: CgroupDriverName | undefined, rootless: boolean, log: (line: string) => void = () => undefined): CgroupSetup {
  const setup = chooseSetup(requested, rootless);
  log(describeSetup(setup));
  return setup;
}

function chooseSetup(requested: CgroupDriverName | undefined, rootless: boolean): CgroupSetup {
  const host = probeCgroupHost();
  const setup: CgroupSetup = { driver: chooseDriverName(requested, host, rootless), version: host.version };
  if (!rootless) return setup;
  const check = checkDelegation();
  if (!check.ok) return { ...setup, noDelegation: check.why };
  try {
    claimDelegation(check.base, check.controllers);
  } catch (err) {
    return { ...setup, noDelegation: (err as Error).message };
  }
  return { ...setup, delegated: check.base };
}

export function describeSetup(s: CgroupSetup): string {
  const base = `cgroup v${s.version}, ${s.driver} driver`;
  if (s.delegated) return `${base}: rootless, containers get memory, cpu and pids limits in the delegated cgroup /${s.delegated}`;
  if (s.noDelegation) return `${base}: rootless without limits (${s.noDelegation})`;
  return base;
}

/** The cgroup part of the daemon's mode value (daemon/engine-mode.ts's EngineMode has these fields). */
export interface CgroupChoice {
  cgroupDriver: CgroupDriverName;
  /** Rootless with delegation: the folder (relative to /sys/fs/cgroup) that holds the containers. */
  cgroupDelegated?: string;
  /** Set when the daemon runs rootless. */
  rootless?: unknown;
}

/**
 * What the engine needs at open: the OCI runtime to run (a wrapper adding the driver's global flags,
 * runtime-flags.ts) and whether containers have a cgroup (pause, kill --all, runc ps, limits).
 */
export function cgroupsForRuntime(prefix: string, binary: string, wrapperDir: string, mode: CgroupChoice): { runtime: string; limits: boolean } {
  return { runtime: runtimeWithFlags(binary, cgroupDriver(prefix, mode).runtimeFlags, wrapperDir), limits: cgroupLimitsApply(mode) };
}

/** Whether containers of this daemon get cgroup limits (false only for a rootless daemon without delegation). */
export function cgroupLimitsApply(mode: CgroupChoice): boolean {
  return !mode.rootless || Boolean(mode.cgroupDelegated);
}

/** /info's CgroupDriver and CgroupVersion, and whether limits apply (MemoryLimit, CpuCfsQuota, PidsLimit...). */
export function cgroupInfo(mode: CgroupChoice): { driver: CgroupDriverName; version: '1' | '2'; limits: boolean } {
  const d = cgroupDriver('berth', mode);
  return { driver: d.name, version: d.version === 2 ? '2' : '1', limits: cgroupLimitsApply(mode) };
}

const drivers = new Map<string, CgroupDriver>();

/**
 * The driver for cgroup names starting with `prefix` (the daemon's --net-prefix) under the daemon's choice.
 * Without one (unit tests, tools) cgroupfs, whose spec paths read the same on every host: buildSpec stays pure.
 */
export function cgroupDriver(prefix: string, mode?: Pick<CgroupChoice, 'cgroupDriver' | 'cgroupDelegated'>): CgroupDriver {
  const name = mode?.cgroupDriver;
  const delegated = mode?.cgroupDelegated;
  const key = `${prefix}\0${name ?? ''}\0${delegated ?? ''}`;
  let d = drivers.get(key);
  if (!d) {
    const host = probeCgroupHost();
    if (host.version === 1) d = new V1Cgroupfs(prefix);
    else if (delegated) d = new V2Cgroupfs(delegated);
    else d = name === 'systemd' ? new V2Systemd(prefix) : new V2Cgroupfs(prefix);
    drivers.set(key, d);
  }
  return d;
}
