// HostConfig.Binds ("src:dst[:ro]") and HostConfig.Mounts into one list of mount requests.
import { isAbsolute } from 'node:path';
import { InvalidError } from '../errdefs.js';
import type { MountSpec } from './api-types.js';

export interface MountRequest { type: 'bind' | 'volume' | 'tmpfs'; source: string; destination: string; readonly: boolean }

export function parseBinds(binds: string[], mounts: MountSpec[]): MountRequest[] {
  const out: MountRequest[] = [];
  for (const b of binds) {
    const parts = b.split(':');
    if (parts.length < 2 || parts.length > 3) throw new InvalidError(`invalid volume specification: '${b}'`);
    const [src, dst, mode = 'rw'] = parts;
    if (!isAbsolute(dst)) throw new InvalidError(`invalid volume specification: '${b}': invalid mount config for type "${isAbsolute(src) ? 'bind' : 'volume'}": invalid mount path: '${dst}' mount path must be absolute`);
    const flags = mode.split(',');
    if (flags.some((f) => !['ro', 'rw', 'z', 'Z', 'nocopy', 'rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave'].includes(f))) throw new InvalidError(`invalid mode: ${mode}`);
    out.push({ type: isAbsolute(src) ? 'bind' : 'volume', source: src, destination: dst, readonly: flags.includes('ro') });
  }
  for (const m of mounts) {
    if (!m.Target || !isAbsolute(m.Target)) throw new InvalidError('invalid mount config: the target must be an absolute path');
    if (m.Type === 'bind' && (!m.Source || !isAbsolute(m.Source))) throw new InvalidError(`invalid mount config for type "bind": the source must be an absolute path`);
    if (!['bind', 'volume', 'tmpfs'].includes(m.Type)) throw new InvalidError(`invalid mount config: mount type "${m.Type}" is not supported`);
    out.push({ type: m.Type, source: m.Source ?? '', destination: m.Target, readonly: Boolean(m.ReadOnly) });
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.destination)) throw new InvalidError(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
  return out;
}
