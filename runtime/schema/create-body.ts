// The create body as dockerd reads it (runconfig.ContainerConfigWrapper.getHostConfig): host config
// fields at the top level are the host config when there is no "HostConfig" object; with one, only the
// top-level Memory, MemorySwap and CpuShares fill its unset fields; a top-level Cpuset fills CpusetCpus.
// A body without any Config field is refused, as dockerd does.
import type { CreateRequest, HostConfig } from '../containers/api-types.js';
import { InvalidError } from '../errdefs.js';
import { createBody, HOST_CONFIG_FIELDS } from './container-schema.js';
import { decodeBody } from './go-json.js';

const FILLED_FROM_TOP = ['Memory', 'MemorySwap', 'CpuShares'] as const;

/** Decodes and type-checks a create body (InvalidError with dockerd's message), top-level host fields merged. */
export function decodeCreateBody(body: unknown): CreateRequest {
  const all = decodeBody<Record<string, unknown>>(body, createBody);
  const top: Record<string, unknown> = {};
  const req: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (HOST_CONFIG_FIELDS.includes(k)) top[k] = v;
    else if (k !== 'Cpuset') req[k] = v;
  }
  const inner = all.HostConfig as HostConfig | undefined;
  let hc: HostConfig | undefined;
  if (!inner) hc = Object.keys(top).length ? (top as HostConfig) : undefined;
  else {
    hc = { ...inner };
    for (const f of FILLED_FROM_TOP) if (top[f] && !hc[f]) hc[f] = top[f] as number;
  }
  const cpuset = all.Cpuset as string | undefined;
  if (cpuset) {
    hc ??= {};
    if (!hc.CpusetCpus) hc.CpusetCpus = cpuset;
  }
  // dockerd's wrapper embeds *container.Config: without any of its fields there is no Config at all.
  if (!Object.keys(req).some((k) => k !== 'HostConfig' && k !== 'NetworkingConfig')) {
    throw new InvalidError('Config cannot be empty in order to create a container');
  }
  if (hc) req.HostConfig = hc;
  else delete req.HostConfig;
  return req as CreateRequest;
}
