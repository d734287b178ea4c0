// Published ports: validation of PortBindings and host-port allocation.
import { InvalidError } from '../errdefs.js';
import type { HostConfig } from '../containers/api-types.js';

export interface PortMapping { containerPort: number; proto: 'tcp' | 'udp'; hostIp: string; hostPort: number }

export function parsePortKey(key: string): { port: number; proto: 'tcp' | 'udp' } {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw new InvalidError(`invalid port specification: "${key}"`);
  if (m[2] === 'sctp') throw new InvalidError('sctp ports are not supported');
  return { port, proto: (m[2] ?? 'tcp') as 'tcp' | 'udp' };
}

/** Validates every binding; a HostPort of "" or "0" means "pick a free one" (allocated at start). */
export function portMappings(hc: HostConfig, exposed: string[] = []): PortMapping[] {
  const out: PortMapping[] = [];
  const bindings = { ...(hc.PortBindings ?? {}) };
  if (hc.PublishAllPorts) for (const k of exposed) bindings[k] ??= [{ HostIp: '', HostPort: '' }];
  for (const [key, list] of Object.entries(bindings)) {
    const { port, proto } = parsePortKey(key);
    for (const b of list ?? [{}]) {
      const hp = b.HostPort ?? '';
      if (hp !== '' && !/^\d+$/.test(hp)) throw new InvalidError(`invalid host port "${hp}" for ${key}: ports are numbers 1-65535`);
      const hostPort = hp === '' ? 0 : Number(hp);
      if (hostPort > 65535) throw new InvalidError(`invalid host port "${hp}" for ${key}: ports are numbers 1-65535`);
      const hostIp = b.HostIp ?? '';
      if (hostIp && !/^\d+\.\d+\.\d+\.\d+$/.test(hostIp)) throw new InvalidError(`invalid host IP "${hostIp}" (IPv4 only)`);
      out.push({ containerPort: port, proto, hostIp, hostPort });
    }
  }
  return out;
}
