// The on-disk layout of one container and the OCI bundle inside it:
//   <dir>/config.v2.json   Docker-level record (owned by the container store)
//   <dir>/bundle/config.json, <dir>/bundle/rootfs (empty mount point; runc mounts the overlay on it)
//   <dir>/upper, <dir>/work  overlay upper and work directories (the container's writes)
//   <dir>/hosts, resolv.conf, hostname   bind-mounted into /etc
//   <dir>/container.log[.N]  the log; <dir>/monitor.sock, monitor.pid, container.pid, exit.json
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OciSpec } from './oci-spec.js';

export interface ContainerPaths {
  dir: string;
  bundle: string;
  rootfs: string;
  upper: string;
  work: string;
  hosts: string;
  resolvConf: string;
  hostname: string;
  log: string;
  exitFile: string;
  monitorPid: string;
  containerPid: string;
}

export function containerPaths(dir: string): ContainerPaths {
  return {
    dir, bundle: join(dir, 'bundle'), rootfs: join(dir, 'bundle', 'rootfs'), upper: join(dir, 'upper'), work: join(dir, 'work'),
    hosts: join(dir, 'hosts'), resolvConf: join(dir, 'resolv.conf'), hostname: join(dir, 'hostname'),
    log: join(dir, 'container.log'), exitFile: join(dir, 'exit.json'), monitorPid: join(dir, 'monitor.pid'), containerPid: join(dir, 'container.pid'),
  };
}

export async function createLayout(p: ContainerPaths): Promise<void> {
  await mkdir(p.rootfs, { recursive: true });
  await Promise.all([mkdir(p.upper), mkdir(p.work)]);
}

export async function writeBundle(p: ContainerPaths, spec: OciSpec): Promise<void> {
  await writeFile(join(p.bundle, 'config.json'), JSON.stringify(spec));
}

export function hostsFile(hostname: string, ip: string | undefined, extra: string[] = [], peers: [string, string[]][] = []): string {
  const lines = [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
  ];
  for (const [addr, names] of peers) lines.push(`${addr}\t${names.join(' ')}`);
  for (const e of extra) {
    const i = e.indexOf(':');
    if (i > 0) lines.push(`${e.slice(i + 1)}\t${e.slice(0, i)}`);
  }
  if (ip) lines.push(`${ip}\t${hostname}`);
  return `${lines.join('\n')}\n`;
}

/** Docker's rule: explicit --dns wins; else the host's, minus loopback servers unreachable from a netns. */
export function resolvConf(hostResolv: string, dns: string[] = [], search: string[] = [], options: string[] = [], hostNetwork = false): string {
  const out: string[] = [];
  const hostLines = hostResolv.split('\n').map((l) => l.trim());
  const hostServers = hostLines.filter((l) => /^nameserver\s/.test(l)).map((l) => l.split(/\s+/)[1]);
  const servers = dns.length ? dns : hostNetwork ? hostServers : hostServers.filter((s) => !/^127\.|^::1$/.test(s));
  if (search.length) out.push(`search ${search.join(' ')}`);
  else out.push(...hostLines.filter((l) => /^search\s/.test(l)));
  for (const s of servers.length ? servers : ['8.8.8.8', '8.8.4.4']) out.push(`nameserver ${s}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  else out.push(...hostLines.filter((l) => /^options\s/.test(l)));
  return `${out.join('\n')}\n`;
}
