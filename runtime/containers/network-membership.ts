// A container's networks after create: POST /networks/{id}/connect and /disconnect, with Docker's rules
// and messages (endpoints.ts). A created or stopped container's record changes (applied at start); a
// running one gets or loses an interface at once, and it and its peers learn each other's names.
import { ConflictError, ForbiddenError, InvalidError } from '../errdefs.js';
import type { NetworkService } from '../network/network-service.js';
import { checkEndpointSettings, checkJoin, endpointRecord, type EndpointSettings } from './endpoints.js';
import type { HostsPeers } from './hosts-peers.js';
import { isRunning, type ContainerRecord } from './record.js';

export interface NetworkMembershipDeps {
  networks: NetworkService;
  hosts: HostsPeers;
  save(r: ContainerRecord): Promise<void>;
}

export class NetworkMembership {
  constructor(private readonly d: NetworkMembershipDeps) {}

  /**
   * POST /networks/{id}/connect. A created or stopped container records the endpoint (it joins at
   * start); a running one gets a new interface at once, and it and its new peers learn each other's
   * names. Docker's rules and messages: host and none stand alone, aliases and addresses only on
   * user-defined networks, a running container's second endpoint on a network is refused (403).
   */
  async connect(r: ContainerRecord, network: string, settings: EndpointSettings | null | undefined): Promise<void> {
    const net = this.d.networks.get(network);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError(`container ${r.Id} is marked for removal and cannot be connected or disconnected to the network`);
    const current = Object.keys(r.Networks).map((n) => this.d.networks.find(n)).filter((n): n is NonNullable<typeof n> => Boolean(n));
    checkJoin(net, current, this.d.networks.find(r.HostConfig.NetworkMode || 'default')?.Driver === 'host');
    checkEndpointSettings(net, settings);
    const rec = endpointRecord(net, r.Id, settings);
    if (!isRunning(r)) {
      // Docker keeps the first settings when a stopped container is connected twice.
      if (!r.Networks[net.Name]) r.Networks[net.Name] = rec;
      await this.d.save(r);
      return;
    }
    if (this.d.networks.interfaces(r.Id).some((i) => i.network === net.Name)) throw new ForbiddenError(`endpoint with name ${r.Name.slice(1)} already exists in network ${net.Name}`);
    const addr = await this.d.networks.connect(r.Id, { network: net.Name, ipv4: rec.IPAMConfig?.IPv4Address });
    r.Networks[net.Name] = { ...rec, ...addr, Aliases: rec.Aliases };
    await this.d.save(r);
    await this.d.hosts.rewrite(r);
    await this.d.hosts.refresh(r, [net.Name]);
  }

  /** POST /networks/{id}/disconnect: the endpoint goes from the record, and a running container loses its interface. */
  async disconnect(r: ContainerRecord, network: string, force = false): Promise<void> {
    // With force, a network removed since (the record of a stopped container still names it) can go
    // from the record, so the container starts again: what Docker's --force is for.
    if (force && !this.d.networks.find(network) && r.Networks[network] && !isRunning(r)) {
      delete r.Networks[network];
      await this.d.save(r);
      return;
    }
    const net = this.d.networks.get(network);
    if (net.Driver === 'host' && (r.HostConfig.NetworkMode === 'host')) throw new InvalidError('container cannot be disconnected from host network or connected to host network');
    const running = isRunning(r);
    if (!r.Networks[net.Name]) throw new InvalidError(running ? `container ${r.Id} is not connected to network ${net.Name}` : `container ${r.Id} is not connected to the network ${net.Name}`);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError(`container ${r.Id} is marked for removal and cannot be connected or disconnected to the network`);
    delete r.Networks[net.Name];
    if (running) await this.d.networks.disconnect(r.Id, net.Name);
    await this.d.save(r);
    if (running) {
      await this.d.hosts.rewrite(r);
      await this.d.hosts.refresh(r, [net.Name]);
    }
  }
}
