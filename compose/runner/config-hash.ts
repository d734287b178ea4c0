// The config hash that decides whether `up` recreates a container: SHA-256 of the service's resolved
// configuration, as Docker Compose does it, leaving out what does not change a container (how many
// there are, how the image is obtained, which profiles enable it).
import { createHash } from 'node:crypto';
import type { ServiceConfig } from '../model/types';

export function configHash(service: ServiceConfig): string {
  const { replicas: _r, build: _b, pullPolicy: _p, profiles: _pr, ...rest } = service;
  return createHash('sha256').update(stableJson(rest)).digest('hex');
}

/** JSON with object keys sorted, so equal configs hash equally whatever order they were written in. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
