// Which of a container's ports a browser can open, and at which URL.
import type { PortMapping } from '../views/format.js';

export function publishedPorts(ports: readonly PortMapping[]): PortMapping[] {
  return ports.filter((p) => p.publicPort && p.type === 'tcp');
}

export function browserUrl(p: PortMapping): string {
  // A port published on all addresses is reached on this machine as localhost.
  const host = !p.ip || p.ip === '0.0.0.0' || p.ip === '::' || p.ip === '127.0.0.1' ? 'localhost' : p.ip.includes(':') ? `[${p.ip}]` : p.ip;
  const scheme = p.privatePort === 443 || p.privatePort === 8443 ? 'https' : 'http';
  return `${scheme}://${host}:${p.publicPort}`;
}
