// Address allocation per network subnet (/16 or /24), persisted by the network store.
import { ConflictError, InvalidError } from '../errdefs.js';

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) throw new InvalidError(`invalid subnet "${cidr}": expected a.b.c.d/n`);
  const prefix = Number(m[5]);
  if (prefix < 8 || prefix > 30) throw new InvalidError(`invalid subnet "${cidr}": prefix must be 8..30`);
  const addr = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (addr & mask) >>> 0, prefix };
}

export const toIp = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');

export function gatewayOf(subnet: string): string {
  return toIp(parseCidr(subnet).base + 1);
}

export function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  const p = Math.min(x.prefix, y.prefix);
  const mask = (0xffffffff << (32 - p)) >>> 0;
  return ((x.base & mask) >>> 0) === ((y.base & mask) >>> 0);
}

/** Lowest free host address after the gateway. `used` holds addresses already handed out. */
export function allocate(subnet: string, used: Set<string>): string {
  const { base, prefix } = parseCidr(subnet);
  const size = 2 ** (32 - prefix);
  for (let i = 2; i < size - 1; i++) {
    const candidate = toIp(base + i);
    if (!used.has(candidate)) return candidate;
  }
  throw new ConflictError(`no free addresses left in ${subnet}`);
}

/** An address asked for (IPAMConfig.IPv4Address) must be a host address of the subnet. */
export function checkInSubnet(subnet: string, addr: string): void {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(addr);
  if (!m || m.slice(1).some((b) => Number(b) > 255)) throw new InvalidError(`invalid IPv4 address "${addr}"`);
  const { base, prefix } = parseCidr(subnet);
  const n = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - prefix);
  if (n < base || n >= base + size) throw new InvalidError(`Invalid address ${addr}: It does not belong to any of this network's subnets`);
  if (n === base || n === base + size - 1) throw new InvalidError(`Invalid address ${addr}: it is the network or broadcast address of ${subnet}`);
}
