// The checks dockerd makes on a decoded create body before it looks at the image (its
// verifyContainerSettings: validateContainerConfig, validateHostConfig, the platform checks), with its
// messages. Types are already right here (runtime/schema decoded the body); these are the values.
// SecurityOpt is security/security-opt.ts's (checked against what the host can apply).
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { posix } from 'node:path';
import { InvalidError } from '../errdefs.js';
import { validateLogConfig } from '../logs/log-options.js';
import { ALL_CAPABILITIES } from '../tasks/docker-defaults.js';
import { validateResources } from '../tasks/resources.js';
import type { ContainerConfig, CreateRequest, HostConfig, MountSpec, RestartPolicy } from './api-types.js';
import { validateHealthcheck } from './health.js';
import { normalizeSignal } from './signals.js';

/** Throws InvalidError (400) for the first value Docker would refuse. */
export function checkCreateRequest(req: CreateRequest): void {
  checkConfig(req);
  if (req.HostConfig) checkHostConfig(req.HostConfig);
}

function checkConfig(c: ContainerConfig): void {
  if (c.WorkingDir && !posix.isAbsolute(c.WorkingDir)) {
    throw new InvalidError(`the working directory '${c.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  for (const e of c.Env ?? []) {
    if (e.split('=', 1)[0] === '') throw new InvalidError(`invalid environment variable: ${e}`);
  }
  validateHealthcheck(c.Healthcheck);
  if (c.StopSignal) normalizeSignal(c.StopSignal);
}

function checkHostConfig(hc: HostConfig): void {
  if (hc.AutoRemove && !['', 'no', undefined].includes(hc.RestartPolicy?.Name)) {
    throw new InvalidError("can't create 'AutoRemove' container with restart policy");
  }
  for (const m of hc.Mounts ?? []) checkMount(m);
  for (const h of hc.ExtraHosts ?? []) checkExtraHost(h);
  checkPortBindings(hc.PortBindings ?? {});
  checkRestartPolicy(hc.RestartPolicy);
  checkCapabilities('CapAdd', hc.CapAdd);
  checkCapabilities('CapDrop', hc.CapDrop);
  if (hc.Isolation && hc.Isolation.toLowerCase() !== 'default') throw new InvalidError(`Invalid isolation: "${hc.Isolation}" - linux only supports 'default'`);
  validateResources(hc);
  if ((hc.ShmSize ?? 0) < 0) throw new InvalidError('SHM size can not be less than 0');
  const oom = hc.OomScoreAdj ?? 0;
  if (oom < -1000 || oom > 1000) throw new InvalidError(`Invalid value ${oom}, range for oom score adj is [-1000, 1000]`);
  if (hc.CgroupnsMode && !['host', 'private'].includes(hc.CgroupnsMode)) throw new InvalidError(`invalid cgroup namespace mode: ${hc.CgroupnsMode}`);
  for (const path of Object.keys(hc.Tmpfs ?? {})) {
    if (!posix.isAbsolute(path)) throw new InvalidError(`invalid mount path: '${path}' mount path must be absolute`);
  }
  validateLogConfig(hc.LogConfig);
}

/** dockerd's validateRestartPolicy (also for update bodies). */
export function checkRestartPolicy(p: RestartPolicy | undefined): void {
  if (!p) return;
  const name = p.Name ?? '';
  const retries = p.MaximumRetryCount ?? 0;
  switch (name) {
    case 'always': case 'unless-stopped': case 'no':
      if (retries !== 0) throw new InvalidError(`maximum retry count cannot be used with restart policy '${name}'`);
      return;
    case 'on-failure':
      if (retries < 0) throw new InvalidError('maximum retry count cannot be negative');
      return;
    case '':
      return;
    default:
      throw new InvalidError(`invalid restart policy '${name}'`);
  }
}

const KNOWN_CAPABILITIES = new Set(ALL_CAPABILITIES);

function checkCapabilities(field: 'CapAdd' | 'CapDrop', caps: string[] | null | undefined): void {
  for (const c of caps ?? []) {
    if (c.toUpperCase() === 'ALL') continue;
    const name = c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
    if (!KNOWN_CAPABILITIES.has(name)) throw new InvalidError(`invalid ${field}: unknown capability: "${name}"`);
  }
}

function checkMount(m: MountSpec): void {
  const bad = (why: string): never => { throw new InvalidError(`invalid mount config for type "${m.Type}": ${why}`); };
  if (!['bind', 'volume', 'tmpfs'].includes(m.Type)) bad('mount type unknown');
  if (!m.Target) bad('field Target must not be empty');
  if (!posix.isAbsolute(m.Target)) bad(`invalid mount path: '${m.Target}' mount path must be absolute`);
  if (m.Type === 'bind') {
    if (!m.Source) bad('field Source must not be empty');
    if (!posix.isAbsolute(m.Source!)) bad(`invalid mount path: '${m.Source}' mount path must be absolute`);
    if (!existsSync(m.Source!)) bad(`bind source path does not exist: ${m.Source}`);
  }
  if (m.Type === 'volume' && m.Source && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(m.Source)) {
    throw new InvalidError(`create ${m.Source}: "${m.Source}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  if (m.Type === 'tmpfs' && m.Source) bad('field Source must not be specified');
  if ((m.TmpfsOptions?.SizeBytes ?? 0) < 0) bad(`invalid tmpfs size ${m.TmpfsOptions!.SizeBytes}: must not be negative`);
}

function checkExtraHost(h: string): void {
  const colon = h.indexOf(':');
  if (colon <= 0) throw new InvalidError(`bad format for add-host: ${JSON.stringify(h)}`);
  const ip = h.slice(colon + 1);
  if (ip !== 'host-gateway' && !isIP(ip.trim())) throw new InvalidError(`invalid IP address in add-host: ${JSON.stringify(ip)}`);
}

/** dockerd's validatePortBindings: numeric container ports, host ports that are a port or a range. */
function checkPortBindings(bindings: NonNullable<HostConfig['PortBindings']>): void {
  for (const [key, list] of Object.entries(bindings)) {
    const port = key.split('/', 1)[0];
    if (!isPort(port, true)) throw new InvalidError(`invalid port specification: ${JSON.stringify(port)}`);
    for (const b of list ?? []) {
      const hostPort = (b.HostPort ?? '').split('/', 1)[0];
      const [start, end, ...more] = hostPort.split('-');
      if (more.length || !isPort(start, true) || (end !== undefined && (!isPort(end, false) || Number(end) < Number(start)))) {
        throw new InvalidError(`invalid port specification: ${JSON.stringify(b.HostPort ?? '')}`);
      }
    }
  }
}

function isPort(s: string, emptyOk: boolean): boolean {
  if (s === '') return emptyOk;
  return /^\d+$/.test(s) && Number(s) <= 65535;
}
