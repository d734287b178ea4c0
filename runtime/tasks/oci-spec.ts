// Builds an OCI runtime spec (config.json) from a container's Docker config. Pure: every host fact
// (paths, resolved user, network namespace) arrives in SpecInput, so the whole mapping is unit-testable.
import { InvalidError } from '../errdefs.js';
import { cgroupDriver, type CgroupChoice } from '../cgroups/select.js';
import type { ContainerConfig, HostConfig, ImageRunConfig } from '../containers/api-types.js';
import {
  ALL_CAPABILITIES, DEFAULT_CAPABILITIES, DEFAULT_DEVICE_RULES, DEFAULT_PATH, DEFAULT_SHM_SIZE,
  INIT_PATH_IN_CONTAINER,
} from './docker-defaults.js';
import { ociResources, ociRlimits, type OciResources, type OciRlimit } from './resources.js';
import { containerSecurity, type SecurityContext } from '../security/container-security.js';
import type { OciSeccomp } from '../security/seccomp-profile.js';
import type { IdMap } from '../userns/id-pool.js';
import type { RootSpecMount } from '../snapshots/snapshotter.js';

export interface OciMount { destination: string; type: string; source: string; options: string[] }

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    consoleSize?: { height: number; width: number };
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable: string[]; ambient: string[] };
    rlimits: OciRlimit[];
    noNewPrivileges: boolean;
    apparmorProfile?: string;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: { type: string; path?: string }[];
    maskedPaths: string[];
    readonlyPaths: string[];
    resources: OciResources;
    cgroupsPath: string;
    sysctl: Record<string, string>;
    seccomp?: OciSeccomp;
    uidMappings?: OciIdMapping[];
    gidMappings?: OciIdMapping[];
  };
}

export interface OciIdMapping { containerID: number; hostID: number; size: number }

export interface ResolvedUser { uid: number; gid: number; additionalGids: number[] }

/** A mount already resolved to a host source (bind, named/anonymous volume) or a tmpfs. */
export interface ResolvedMount { type: 'bind' | 'tmpfs'; source: string; destination: string; readonly: boolean; options?: string[] }

export interface SpecInput {
  id: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  image: ImageRunConfig;
  user: ResolvedUser;
  /**
   * The root's mount for the runtime to make (the snapshotter's spec mount), or absent when the daemon
   * has mounted the root on the bundle's rootfs already (runtime/snapshots/).
   */
  rootMount?: RootSpecMount;
  /** Host files bind-mounted over /etc/hosts, /etc/resolv.conf and /etc/hostname. */
  etcFiles: { hosts: string; resolvConf: string; hostname: string };
  network: { mode: 'none' | 'bridge' } | { mode: 'host' } | { mode: 'netns'; path: string };
  hostname: string;
  mounts: ResolvedMount[];
  /** Host path of tini-static, needed when HostConfig.Init is true. */
  initBinary?: string;
  cgroupParent: string;
  /** The daemon mode's cgroup driver (daemon/engine-mode.ts); absent (unit tests, tools): cgroupfs paths. */
  cgroups?: CgroupChoice;
  /**
   * Capabilities the daemon itself may grant (its bounding set): "all capabilities" for Privileged and
   * CapAdd ALL means these, as a kernel or sandbox may withhold some. Default: every known one.
   */
  hostCapabilities?: string[];
  /** The daemon mode's changes to every spec, decided by the caller (a rootless daemon's: runtime/rootless/rootless-spec.ts). */
  adjust?: (spec: OciSpec) => OciSpec;
  /** The daemon's default seccomp profile and what the host can enforce (runtime/security/). */
  security: SecurityContext;
  /** The container's own user namespace (UsernsMode auto): its ids on the host and the nsfs file holding it (runtime/userns/). */
  idMap?: IdMap & { path: string };
}

/** Entrypoint + Cmd as Docker combines them: a container Entrypoint resets the image Cmd. */
export function resolveArgs(config: ContainerConfig, image: ImageRunConfig): string[] {
  const entrypoint = config.Entrypoint ?? image.Entrypoint ?? [];
  const cmd = config.Cmd ?? (config.Entrypoint ? [] : image.Cmd ?? []);
  const args = [...entrypoint, ...cmd];
  if (args.length === 0) throw new InvalidError('No command specified');
  return args;
}

/** Image env, then container env (later keys win), HOSTNAME first and PATH defaulted like Docker. */
export function resolveEnv(config: ContainerConfig, image: ImageRunConfig, hostname: string): string[] {
  const merged = new Map<string, string>();
  merged.set('HOSTNAME', `HOSTNAME=${hostname}`);
  for (const e of [...(image.Env ?? []), ...(config.Env ?? [])]) {
    const eq = e.indexOf('=');
    const key = eq < 0 ? e : e.slice(0, eq);
    if (!key) throw new InvalidError(`invalid environment variable: ${e}`);
    if (eq < 0) continue; // "KEY" without a value means "take from the client", already done by the CLI
    merged.set(key, e);
  }
  if (!merged.has('PATH')) merged.set('PATH', DEFAULT_PATH);
  if (config.Tty && !merged.has('TERM')) merged.set('TERM', 'TERM=xterm');
  return [...merged.values()];
}

export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  const cap = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (cap !== 'CAP_ALL' && !ALL_CAPABILITIES.includes(cap)) throw new InvalidError(`unknown capability: "${name}"`);
  return cap;
}

export function resolveCapabilities(hc: HostConfig, available: string[] = ALL_CAPABILITIES): string[] {
  if (hc.Privileged) return [...available];
  const add = (hc.CapAdd ?? []).map(normalizeCapability);
  const drop = (hc.CapDrop ?? []).map(normalizeCapability);
  let caps = add.includes('CAP_ALL') ? [...available] : [...DEFAULT_CAPABILITIES];
  if (drop.includes('CAP_ALL')) caps = [];
  for (const c of add) if (c !== 'CAP_ALL' && !caps.includes(c)) caps.push(c);
  return caps.filter((c) => !drop.includes(c) || add.includes(c));
}

function defaultMounts(hc: HostConfig): OciMount[] {
  const shm = hc.ShmSize && hc.ShmSize > 0 ? hc.ShmSize : DEFAULT_SHM_SIZE;
  const sysRo = hc.Privileged ? [] : ['ro'];
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...sysRo] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', ...sysRo] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shm}`] },
  ];
}

/** Parses a HostConfig.Tmpfs value ("size=64m,mode=1777,ro") into mount options. */
export function tmpfsOptions(value: string): string[] {
  const opts = ['nosuid', 'nodev', 'noexec'];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^size=(\d+)([kmg]?)b?$/i.exec(raw);
    if (m) {
      const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
      opts.push(`size=${Number(m[1]) * mult}`);
    } else if (/^mode=[0-7]{3,4}$/.test(raw) || ['ro', 'rw', 'exec', 'suid', 'dev', 'noatime'].includes(raw)) {
      opts.push(raw);
    } else if (/^(uid|gid)=\d+$/.test(raw)) {
      opts.push(raw);
    } else {
      throw new InvalidError(`invalid tmpfs option "${raw}"`);
    }
  }
  // "exec", "suid" and "dev" lift the matching default restriction.
  return opts.filter((o) => !(o.startsWith('no') && opts.includes(o.slice(2))) && !['exec', 'suid', 'dev'].includes(o));
}

function userMounts(input: SpecInput): OciMount[] {
  const out: OciMount[] = [];
  for (const [dest, value] of Object.entries(input.hostConfig.Tmpfs ?? {})) {
    out.push({ destination: dest, type: 'tmpfs', source: 'tmpfs', options: tmpfsOptions(value) });
  }
  for (const m of input.mounts) {
    if (m.type === 'tmpfs') {
      out.push({ destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.options ?? []), ...(m.readonly ? ['ro'] : [])] });
    } else {
      out.push({ destination: m.destination, type: 'bind', source: m.source, options: ['rbind', 'rprivate', m.readonly ? 'ro' : 'rw', ...(m.options ?? [])] });
    }
  }
  return out;
}

function namespaces(input: SpecInput): OciSpec['linux']['namespaces'] {
  const ns: OciSpec['linux']['namespaces'] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'mount' }];
  const net = input.network;
  if (net.mode !== 'host') ns.push({ type: 'uts' });
  if (net.mode === 'netns') ns.push({ type: 'network', path: net.path });
  else if (net.mode !== 'host') ns.push({ type: 'network' });
  if (input.idMap) ns.push({ type: 'user', path: input.idMap.path });
  return ns;
}

export function buildSpec(input: SpecInput): OciSpec {
  const { config, hostConfig: hc } = input;
  let args = resolveArgs(config, input.image);
  const mounts: OciMount[] = [...(input.rootMount ? [{ ...input.rootMount, options: [...input.rootMount.options] }] : []), ...defaultMounts(hc)];
  const hostMode = input.network.mode === 'host';
  mounts.push(
    { destination: '/etc/resolv.conf', type: 'bind', source: input.etcFiles.resolvConf, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hostname', type: 'bind', source: input.etcFiles.hostname, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hosts', type: 'bind', source: input.etcFiles.hosts, options: ['rbind', 'rprivate'] },
  );
  mounts.push(...userMounts(input));
  if (hc.Init) {
    if (!input.initBinary) throw new InvalidError('--init needs docker-init (tini) on the host, and none was found: install tini');
    mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: 'bind', source: input.initBinary, options: ['bind', 'ro'] });
    args = [INIT_PATH_IN_CONTAINER, '--', ...args];
  }
  const caps = resolveCapabilities(hc, input.hostCapabilities);
  const security = containerSecurity(hc, caps, input.security);
  const resources = ociResources(hc);
  resources.devices = hc.Privileged
    ? [{ allow: true, access: 'rwm' }]
    : DEFAULT_DEVICE_RULES.map((d) => ({ ...d }));
  const sysctl = { ...(hc.Sysctls ?? {}) };
  for (const key of Object.keys(sysctl)) {
    if (hostMode && key.startsWith('net.')) throw new InvalidError(`sysctl "${key}" is not allowed with --network host`);
  }
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      // With a TTY the monitor gives runc a host pty (script(1)); runc then makes the container's own.
      terminal: Boolean(config.Tty),
      consoleSize: config.Tty && hc.ConsoleSize?.[0] ? { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] } : undefined,
      user: { uid: input.user.uid, gid: input.user.gid, additionalGids: input.user.additionalGids },
      args,
      env: resolveEnv(config, input.image, input.hostname),
      cwd: config.WorkingDir || input.image.WorkingDir || '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: ociRlimits(hc),
      noNewPrivileges: security.noNewPrivileges,
      ...(security.apparmorProfile ? { apparmorProfile: security.apparmorProfile } : {}),
      oomScoreAdj: 0,
    },
    root: { path: 'rootfs', readonly: Boolean(hc.ReadonlyRootfs) },
    // Without a UTS namespace runc refuses to set a hostname.
    hostname: hostMode ? undefined : input.hostname,
    mounts,
    linux: {
      namespaces: namespaces(input),
      maskedPaths: security.maskedPaths,
      readonlyPaths: security.readonlyPaths,
      resources,
      cgroupsPath: cgroupDriver(input.cgroupParent, input.cgroups).specPath(input.id),
      sysctl,
      ...(security.seccomp ? { seccomp: security.seccomp } : {}),
      ...(input.idMap ? {
        uidMappings: [{ containerID: 0, hostID: input.idMap.uid, size: input.idMap.size }],
        gidMappings: [{ containerID: 0, hostID: input.idMap.gid, size: input.idMap.size }],
      } : {}),
    },
  };
  return input.adjust ? input.adjust(spec) : spec;
}

/** The capability names in a CapBnd mask of /proc/<pid>/status (hex). */
export function capabilitiesInMask(hexMask: string): string[] {
  const mask = BigInt(`0x${hexMask.trim() || '0'}`);
  return ALL_CAPABILITIES.filter((_, bit) => (mask >> BigInt(bit)) & 1n);
}
