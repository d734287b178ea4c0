// Names on user-defined networks without a DNS server: each running container's /etc/hosts lists the
// running containers it shares a user-defined network with (runtime/README.md, "Names"), rewritten in
// place whenever a peer starts, exits, connects or disconnects.
import { writeFile } from 'node:fs/promises';
import type { NetworkService } from '../network/network-service.js';
import { hostsFile } from '../tasks/bundle.js';
import { isUserDefined, linkAliases, PREDEFINED } from './endpoints.js';
import { isRunning, type ContainerRecord } from './record.js';

export interface HostsPeersDeps {
  networks: NetworkService;
  /** The record with exactly this ID, if any. */
  record(id: string): ContainerRecord | undefined;
  /** The container's /etc/hosts on the host. */
  hostsPath(id: string): string;
}

export class HostsPeers {
  /** Rewrites of a container's /etc/hosts in flight: one at a time, so an older one never lands last. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly d: HostsPeersDeps) {}

  /**
   * /etc/hosts lines besides localhost and the hostname's line: the container's own addresses (other
   * interfaces by hostname, as Docker writes them; on user-defined networks also by its name and
   * aliases), then every running container it shares a user-defined network with, by name, short
   * ID, that network's aliases and the links it declared. The names a peer has on a network map to
   * its address on that network.
   */
  peers(r: ContainerRecord): [string, string[]][] {
    const out: [string, string[]][] = [];
    const own = this.d.networks.interfaces(r.Id);
    for (const [n, { network, ip }] of own.entries()) {
      const net = this.d.networks.find(network);
      // Its own name and aliases too: Docker's DNS answers them inside the container as well.
      const names = [...(n ? [r.Config.Hostname!] : []), ...(net && isUserDefined(net) ? [r.Name.slice(1), ...(r.Networks[network]?.Aliases ?? [])] : [])];
      if (names.length) out.push([ip, [...new Set(names)]]);
    }
    for (const { network } of own) {
      const net = this.d.networks.find(network);
      if (!net || !isUserDefined(net)) continue;
      for (const m of this.d.networks.members(network)) {
        const other = this.d.record(m.containerId);
        if (!other || other.Id === r.Id) continue;
        const names = [other.Name.slice(1), other.Id.slice(0, 12), ...(other.Networks[network]?.Aliases ?? []), ...linkAliases(r.Networks[network]?.Links, other.Name)];
        out.push([m.ip, [...new Set(names)]]);
      }
    }
    return out;
  }

  /** A running container's /etc/hosts, rewritten in place (same inode, so the bind mount sees it). */
  rewrite(r: ContainerRecord): Promise<void> {
    const next = (this.writes.get(r.Id) ?? Promise.resolve()).then(async () => {
      // The lines are made when the write's turn comes: from the state of that moment.
      if (!isRunning(r) || !this.d.networks.interfaces(r.Id).length) return;
      const primary = this.d.networks.interfaces(r.Id)[0]?.ip;
      await writeFile(this.d.hostsPath(r.Id), hostsFile(r.Config.Hostname!, primary, r.HostConfig.ExtraHosts ?? [], this.peers(r)));
    }).catch(() => undefined);
    this.writes.set(r.Id, next);
    void next.then(() => { if (this.writes.get(r.Id) === next) this.writes.delete(r.Id); });
    return next;
  }

  /** Rewrites /etc/hosts of the running containers on `r`'s user networks (or on `networks`). */
  async refresh(r: ContainerRecord, networks: string[] = Object.keys(r.Networks)): Promise<void> {
    const done = new Set<string>([r.Id]);
    for (const net of networks) {
      if (PREDEFINED.includes(net)) continue;
      for (const m of this.d.networks.members(net)) {
        const other = this.d.record(m.containerId);
        if (!other || done.has(other.Id)) continue;
        done.add(other.Id);
        await this.rewrite(other);
      }
    }
  }
}
