// POST /containers/{id}/update (`docker update`): new resource limits and restart policy for a
// container. As in dockerd, only the fields given with a non-zero value change; the result is checked
// like a create's resources; a running container gets the new limits through the OCI runtime's update.
import { ConflictError } from '../errdefs.js';
import { validateResources, type Resources } from '../tasks/resources.js';
import type { HostConfig, RestartPolicy } from './api-types.js';
import { checkRestartPolicy } from './create-checks.js';

/** The decoded update body (runtime/schema/container-schema.ts updateBody). */
export interface UpdateRequest extends Resources {
  RestartPolicy?: RestartPolicy;
  [field: string]: unknown;
}

/** The fields of an update that Berth applies; the others are accepted (they are Docker's) and ignored. */
const APPLIED = ['Memory', 'MemorySwap', 'MemoryReservation', 'MemorySwappiness', 'NanoCpus', 'CpuShares', 'CpuPeriod', 'CpuQuota', 'CpusetCpus', 'CpusetMems', 'PidsLimit'] as const;

/**
 * The container's HostConfig after `u`, or an error with dockerd's message. `id` is for messages.
 * Throws InvalidError for values Docker refuses and ConflictError for updates that clash with the
 * container's settings (dockerd answers those as "Cannot update container ...").
 */
export function updatedHostConfig(id: string, hc: HostConfig, u: UpdateRequest): HostConfig {
  validateResources(u, { update: true });
  checkRestartPolicy(u.RestartPolicy);
  const next: HostConfig = { ...hc };
  for (const field of APPLIED) {
    const v = u[field];
    if (v !== undefined && v !== null && v !== 0 && v !== '') (next as Record<string, unknown>)[field] = v;
  }
  const refuse = (why: string): never => { throw new ConflictError(`Cannot update container ${id}: ${why}`); };
  if (u.Memory && !u.MemorySwap && (hc.MemorySwap ?? 0) > 0 && u.Memory > hc.MemorySwap!) {
    refuse('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
  }
  if (u.NanoCpus && (hc.CpuQuota || hc.CpuPeriod) && !u.CpuQuota && !u.CpuPeriod) {
    refuse('Conflicting options: CPU Quota or Period cannot be updated to NanoCPUs, as the container was created with CPU Quota or Period');
  }
  if ((u.CpuQuota || u.CpuPeriod) && hc.NanoCpus && !u.NanoCpus) {
    refuse('Conflicting options: Nano CPUs cannot be updated as CPU Period/Quota has already been set');
  }
  if (u.RestartPolicy?.Name) {
    if (hc.AutoRemove && !['', 'no'].includes(u.RestartPolicy.Name)) refuse('Restart policy cannot be updated because AutoRemove is enabled for the container');
    next.RestartPolicy = { Name: u.RestartPolicy.Name as RestartPolicy['Name'], MaximumRetryCount: u.RestartPolicy.MaximumRetryCount ?? 0 };
  }
  if (u.NanoCpus) { delete next.CpuQuota; delete next.CpuPeriod; }
  validateResources(next);
  return next;
}

/** True when the update changes a limit the running container's cgroup has to be told about. */
export function changesLimits(u: UpdateRequest): boolean {
  return APPLIED.some((f) => u[f] !== undefined && u[f] !== null && u[f] !== 0 && u[f] !== '');
}
