// HostConfig resource fields -> OCI linux.resources, with Docker's validation messages.
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

/** Throws InvalidError for HostConfig values Docker refuses at create time. */
export function validateResources(hc: HostConfig): void {
  const mem = hc.Memory ?? 0;
  const swap = hc.MemorySwap ?? 0;
  if (mem < 0) throw new InvalidError(`invalid memory limit ${mem}: must be a positive number of bytes`);
  if (mem > 0 && mem < MIN_MEMORY) throw new InvalidError('Minimum memory limit allowed is 6MB');
  if (swap > 0 && mem === 0) throw new InvalidError('You should always set the Memory limit when using Memoryswap limit, see usage');
  if (swap > 0 && swap < mem) throw new InvalidError('Minimum memoryswap limit should be larger than memory limit, see usage');
  if (hc.NanoCpus && (hc.CpuQuota || hc.CpuPeriod)) {
    throw new InvalidError('Conflicting options: Nano CPUs and CPU Period/Quota cannot both be set');
  }
  if ((hc.NanoCpus ?? 0) < 0) throw new InvalidError('Range of CPUs is from 0.01 to the number of CPUs available');
  if (hc.CpuPeriod && (hc.CpuPeriod < 1000 || hc.CpuPeriod > 1_000_000)) {
    throw new InvalidError('CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)');
  }
  if (hc.CpuQuota && hc.CpuQuota > 0 && hc.CpuQuota < 1000) throw new InvalidError('CPU cfs quota can not be less than 1ms (i.e. 1000)');
  for (const u of hc.Ulimits ?? []) {
    if (!RLIMIT_NAMES.has(u.Name)) throw new InvalidError(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) throw new InvalidError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
}

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
