// HostConfig resource fields -> OCI linux.resources, with Docker's validation messages.
import { availableParallelism } from 'node:os';
import { InvalidError } from '../errdefs.js';
import type { HostConfig } from '../containers/api-types.js';
import { DEFAULT_CPU_PERIOD, MIN_MEMORY, RLIMIT_NAMES } from './docker-defaults.js';

export interface OciResources {
  memory?: { limit?: number; swap?: number; reservation?: number };
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string };
  pids?: { limit: number };
  devices?: { allow: boolean; type?: string; major?: number; minor?: number; access: string }[];
}

export interface OciRlimit { type: string; soft: number; hard: number }

/** Throws InvalidError for resource values Docker refuses (its verifyPlatformContainerResources), in its words. */
export function validateResources(hc: Resources, opts: { update?: boolean; cpus?: number } = {}): void {
  const mem = hc.Memory ?? 0;
  const swap = hc.MemorySwap ?? 0;
  const reservation = hc.MemoryReservation ?? 0;
  if (mem !== 0 && mem < MIN_MEMORY) throw new InvalidError('Minimum memory limit allowed is 6MB');
  if (mem > 0 && swap > 0 && swap < mem) throw new InvalidError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (mem === 0 && swap > 0 && !opts.update) throw new InvalidError('You should always set the Memory limit when using Memoryswap limit, see usage');
  // runc takes -1 for "unlimited swap"; other negative values fail only at start.
  if (swap < -1) throw new InvalidError(`invalid memory swap limit ${swap}: use -1 for unlimited swap or a size larger than the memory limit`);
  const swappiness = hc.MemorySwappiness;
  if (swappiness !== undefined && swappiness !== null && swappiness !== -1 && (swappiness < 0 || swappiness > 100)) {
    throw new InvalidError(`Invalid value: ${swappiness}, valid memory swappiness range is 0-100`);
  }
  if (reservation > 0 && reservation < MIN_MEMORY) throw new InvalidError('Minimum memory reservation allowed is 6MB');
  if (mem > 0 && reservation > 0 && mem < reservation) throw new InvalidError('Minimum memory limit can not be less than memory reservation limit, see usage');
  const nano = hc.NanoCpus ?? 0;
  if (nano > 0 && (hc.CpuPeriod ?? 0) > 0) throw new InvalidError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  if (nano > 0 && (hc.CpuQuota ?? 0) > 0) throw new InvalidError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
  const cpus = opts.cpus ?? availableParallelism();
  if (nano < 0 || nano > cpus * 1e9) throw new InvalidError(`Range of CPUs is from 0.01 to ${cpus}.00, as there are only ${cpus} CPUs available`);
  // Docker lets these through and the kernel or runc refuses them at start; a create-time 400 says why.
  if ((hc.CpuShares ?? 0) < 0) throw new InvalidError(`invalid CPU shares ${hc.CpuShares}: must not be negative`);
  if (hc.CpuPeriod && (hc.CpuPeriod < 1000 || hc.CpuPeriod > 1_000_000)) {
    throw new InvalidError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (hc.CpuQuota && hc.CpuQuota !== -1 && hc.CpuQuota < 1000) throw new InvalidError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  for (const [key, value] of [['cpus', hc.CpusetCpus], ['mems', hc.CpusetMems]] as const) {
    if (value && !CPU_LIST.test(value)) throw new InvalidError(`Invalid value ${value} for cpuset ${key}`);
  }
  for (const u of hc.Ulimits ?? []) {
    if (!RLIMIT_NAMES.has(u.Name)) throw new InvalidError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw new InvalidError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
}

/** A cpuset list as the kernel takes it: 0-3,5. */
const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

/** The resource fields of a HostConfig, which are also what an update body carries. */
export type Resources = Pick<HostConfig, 'Memory' | 'MemorySwap' | 'MemoryReservation' | 'MemorySwappiness' | 'NanoCpus' | 'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'CpusetCpus' | 'CpusetMems' | 'PidsLimit' | 'Ulimits'>;

export function ociResources(hc: HostConfig): OciResources {
  validateResources(hc);
  const r: OciResources = {};
  const mem = hc.Memory ?? 0;
  if (mem > 0 || hc.MemoryReservation) {
    r.memory = {};
    if (mem > 0) {
      r.memory.limit = mem;
      const swap = hc.MemorySwap ?? 0;
      // Docker: 0 means "twice the memory", -1 unlimited.
      r.memory.swap = swap === 0 ? mem * 2 : swap;
    }
    if (hc.MemoryReservation) r.memory.reservation = hc.MemoryReservation;
  }
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (hc.CpuShares) cpu.shares = hc.CpuShares;
  if (hc.NanoCpus) {
    cpu.period = DEFAULT_CPU_PERIOD;
    cpu.quota = Math.round((hc.NanoCpus * DEFAULT_CPU_PERIOD) / 1e9);
  }
  if (hc.CpuQuota) cpu.quota = hc.CpuQuota;
  if (hc.CpuPeriod) cpu.period = hc.CpuPeriod;
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (Object.keys(cpu).length) r.cpu = cpu;
  if (hc.PidsLimit && hc.PidsLimit > 0) r.pids = { limit: hc.PidsLimit };
  return r;
}

export function ociRlimits(hc: HostConfig): OciRlimit[] {
  return (hc.Ulimits ?? []).map((u) => ({ type: `RLIMIT_${u.Name.toUpperCase()}`, soft: u.Soft, hard: u.Hard }));
}
