// Short human texts for sizes, ages and ports, as the trees show them.

export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** "3 minutes ago", from a unix time in seconds. */
export function age(createdSeconds: number, nowMs: number): string {
  const s = Math.max(0, Math.round(nowMs / 1000 - createdSeconds));
  const steps: [number, string][] = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [len, name] of steps) {
    const n = Math.floor(s / len);
    if (n >= 1) return `${n} ${name}${n === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

export interface PortMapping {
  /** Host address the port is published on; empty when the port is only exposed. */
  ip: string;
  privatePort: number;
  publicPort?: number;
  type: string;
}

interface ApiPort {
  IP?: string;
  PrivatePort: number;
  PublicPort?: number;
  Type: string;
}

/** Docker lists a port published on all addresses twice (0.0.0.0 and ::); one is enough here. */
export function portMappings(ports: readonly ApiPort[] | null | undefined): PortMapping[] {
  const seen = new Set<string>();
  const out: PortMapping[] = [];
  for (const p of ports ?? []) {
    const key = `${p.PublicPort ?? ''}:${p.PrivatePort}/${p.Type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ip: p.IP ?? '', privatePort: p.PrivatePort, publicPort: p.PublicPort || undefined, type: p.Type });
  }
  // Published ports first: they are what a user opens.
  return out.sort((a, b) => Number(!a.publicPort) - Number(!b.publicPort) || (a.publicPort ?? 0) - (b.publicPort ?? 0) || a.privatePort - b.privatePort);
}

/** "8080→80/tcp, 53/udp" */
export function portsText(ports: readonly PortMapping[]): string {
  return ports
    .map((p) => {
      const proto = p.type === 'tcp' ? '' : `/${p.type}`;
      return p.publicPort ? `${p.publicPort}→${p.privatePort}${proto}` : `${p.privatePort}${proto}`;
    })
    .join(', ');
}

/** Markdown with the user's text inside must not turn into links or emphasis by accident. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
