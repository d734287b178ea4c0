// What a container start writes before runc runs: /etc/hostname, /etc/hosts (with peers on user
// networks), /etc/resolv.conf, and the OCI spec with the resolved user, mounts and network namespace.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import type { Attachment } from '../network/network-service.js';
import { hostsFile, resolvConf, type ContainerPaths } from '../tasks/bundle.js';
import { buildSpec, type OciSpec, type ResolvedMount } from '../tasks/oci-spec.js';
import { resolveUser } from '../tasks/user-resolve.js';
import type { ResolvedImage } from './container-service.js';
import type { ContainerRecord } from './record.js';
import type { SecurityContext } from '../security/container-security.js';
import type { RootSpecMount } from '../snapshots/snapshotter.js';
import type { CgroupChoice } from '../cgroups/select.js';

export interface LaunchHost {
  /** Other containers on the same user networks: [ip, names]. */
  peers: [string, string[]][];
  initBinary?: string;
  cgroupParent: string;
  cgroups: CgroupChoice;
  hostCapabilities?: string[];
  security: SecurityContext;
  /** The container's user namespace file, when it has its own (runtime/userns/). */
  userns?: string;
  /** The snapshotter's mount of the root for the runtime to make; absent when the daemon mounted it. */
  rootMount?: RootSpecMount;
  /** The daemon mode's changes to the spec (rootless). */
  adjust?: (spec: OciSpec) => OciSpec;
}

export async function launchSpec(r: ContainerRecord, p: ContainerPaths, image: ResolvedImage, att: Attachment, host: LaunchHost): Promise<OciSpec> {
  const hc = r.HostConfig;
  const hostNet = att.mode === 'host';
  const hostname = hostNet ? osHostname() : r.Config.Hostname!;
  const primaryIp = Object.values(att.endpoints)[0]?.IPAddress || undefined;
  const hostResolv = readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const [user] = await Promise.all([
    resolveUser(r.Config.User ?? '', [p.upper, ...[...image.layerDirs].reverse()]),
    writeFile(p.hostname, `${hostname}\n`),
    (hostNet ? readFile('/etc/hosts', 'utf8') : Promise.resolve(hostsFile(hostname, primaryIp, hc.ExtraHosts ?? [], host.peers))).then((t) => writeFile(p.hosts, t)),
    hostResolv.then((t) => writeFile(p.resolvConf, resolvConf(t, hc.Dns ?? [], hc.DnsSearch ?? [], hc.DnsOptions ?? [], hostNet))),
    rm(p.exitFile, { force: true }),
  ]);
  const mounts: ResolvedMount[] = r.Mounts.map((m) => ({ type: m.Type === 'tmpfs' ? 'tmpfs' : 'bind', source: m.Source, destination: m.Destination, readonly: !m.RW }));
  return buildSpec({
    id: r.Id, config: r.Config, hostConfig: hc, image: {}, user, rootMount: host.rootMount,
    etcFiles: { hosts: p.hosts, resolvConf: p.resolvConf, hostname: p.hostname },
    network: att.mode === 'netns' ? { mode: 'netns', path: att.netnsPath! } : { mode: att.mode }, hostname, mounts,
    initBinary: host.initBinary, cgroupParent: host.cgroupParent, cgroups: host.cgroups, hostCapabilities: host.hostCapabilities,
    adjust: host.adjust, security: host.security, idMap: r.IdMap && host.userns ? { ...r.IdMap, path: host.userns } : undefined,
  });
}
