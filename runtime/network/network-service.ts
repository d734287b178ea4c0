// Networks: `none`, `host`, the default `bridge` (berth0, 10.88.0.0/16) and user-defined bridges.
// A bridged container gets its own netns (/run/netns/berth-<id12>), a veth pair to the bridge,
// outbound MASQUERADE, and published ports as iptables DNAT (PREROUTING and OUTPUT, with
// route_localnet so 127.0.0.1:port works from the host). Packets with a 127/8 address that arrive on
// a bridge are dropped in raw PREROUTING (CVE-2020-8558), and networks are isolated from each other
// as Docker's are (see bridgeRules). Containers on a user-defined network find
// each other by name through /etc/hosts entries the container service rewrites (no DNS server).
import { randomBytes, randomInt } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { LatestWriter } from '../fs/atomic-write.js';
import { DepartingEnds } from './departing-ends.js';
import { NamespacePool, type ReadyNamespace } from './namespace-pool.js';
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from '../errdefs.js';
import type { EndpointRecord } from '../containers/record.js';
import { allocate, checkInSubnet, gatewayOf, overlaps, parseCidr } from './ipam.js';
import { deleteNetns, ip, ipBatch, iptablesChain, iptablesDelete, iptablesDeleteAll, iptablesEnsure, run, sysctl } from './host-commands.js';
import { applyRuleChanges, type RuleChange } from './iptables-batch.js';
import type { PortMapping } from './ports.js';
import { bool, repairValue, str, strMap, struct } from '../schema/go-json.js';

export interface NetworkRecord {
  Id: string; Name: string; Driver: 'bridge' | 'host' | 'null'; Created: string; Subnet?: string; Bridge?: string;
  Labels: Record<string, string>; Internal: boolean;
  /** The daemon chose the subnet (not IPAM.Config): it may choose again while the network has no bridge. */
  AutoSubnet?: boolean;
}

/**
 * One interface of a running container. `ifname`, `mac` and `gateway` are absent in records of
 * daemons before multi-network containers: those had one interface, eth0, with the default route.
 */
interface EndpointState { network: string; ip: string; veth: string; ifname?: string; mac?: string; gateway?: boolean; ports: PortMapping[] }

/** One network a container joins: name or ID, and an address asked for (IPAMConfig.IPv4Address). */
export interface EndpointRequest { network: string; ipv4?: string }

/** `netns`: containers whose namespace is not named after them (one made ahead, namespace-pool.ts). */
interface State { networks: NetworkRecord[]; endpoints: Record<string, EndpointState[]>; netns?: Record<string, string> }

export interface Attachment {
  mode: 'none' | 'host' | 'netns';
  netnsPath?: string;
  endpoints: Record<string, EndpointRecord>;
  ports: Record<string, { HostIp: string; HostPort: string }[]>;
}

/**
 * Where published ports start outside the daemon's network namespace: a rootless daemon (own netns)
 * asks slirp4netns to forward host ports to its namespace, where the DNAT rules take over.
 */
export interface HostPortForwarder {
  add(p: PortMapping): Promise<void>;
  remove(p: PortMapping): Promise<void>;
}

export type NetworkEvent = (action: string, networkId: string, attrs: Record<string, string>) => void;

/** How long after a start that took the namespace made ahead the next one is made (unless it ended first). */
const REFILL_AFTER_START_MS = 150;

/** The default bridge takes the first of these that no host route or other network uses. */
const DEFAULT_SUBNETS = Array.from({ length: 24 }, (_, i) => `10.${88 + i}.0.0/16`);
/** User-defined networks: /24s from 10.200-10.255. */
const USER_SUBNETS = Array.from({ length: 56 * 256 }, (_, i) => `10.${200 + (i >> 8)}.${i & 255}.0/24`);

export class NetworkService {
  private state: State = { networks: [], endpoints: {} };
  private readonly file: string;

  constructor(root: string, private readonly publish: NetworkEvent = () => undefined, private readonly prefix = 'berth', private readonly forwarder?: HostPortForwarder) {
    this.file = join(root, 'network', 'networks.json');
  }

  async init(): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    if (existsSync(this.file)) this.state = repairNetworks(JSON.parse(await readFile(this.file, 'utf8')) as State);
    const ensure = (name: string, driver: NetworkRecord['Driver'], extra: Partial<NetworkRecord> = {}) => {
      if (!this.state.networks.some((n) => n.Name === name)) {
        this.state.networks.push({ Id: randomBytes(32).toString('hex'), Name: name, Driver: driver, Created: new Date().toISOString(), Labels: {}, Internal: false, ...extra });
      }
    };
    const known = this.state.networks.length;
    if (!this.state.networks.some((n) => n.Name === 'bridge')) {
      // A bridge of ours left from an earlier root keeps its subnet (its route is ours, not a clash).
      ensure('bridge', 'bridge', { Subnet: await this.freeSubnet(DEFAULT_SUBNETS, `${this.prefix}0`), Bridge: `${this.prefix}0`, AutoSubnet: true });
    }
    ensure('host', 'host');
    ensure('none', 'null');
    // Written only when something changed: a daemon must be able to start on a full disk.
    if (this.state.networks.length !== known || !existsSync(this.file)) await this.save();
    await this.removeOrphanNamespaces();
  }

  /**
   * Network namespaces of this daemon's prefix that no endpoint on record names: a daemon killed while a
   * container started, after its namespace was made and before networks.json had its endpoint. Nothing
   * ran in them (the process starts later), and each would keep a veth on its bridge, and with it the
   * bridge and its subnet, for good. Namespaces a stopped daemon had made ahead (namespace-pool.ts)
   * go too, without a word: nothing ever ran in them.
   */
  private async removeOrphanNamespaces(): Promise<void> {
    if (!existsSync('/run/netns')) return;
    const known = new Set(Object.keys(this.state.endpoints).map((id) => this.netnsName(id)));
    for (const name of readdirSync('/run/netns')) {
      if (!name.startsWith(`${this.prefix}-`) || known.has(name)) continue;
      const pids = await run('ip', ['netns', 'pids', name]).catch(() => 'unknown');
      if (pids.trim()) continue;
      const madeAhead = /^-p[0-9a-f]{10}$/.test(name.slice(this.prefix.length));
      await ip(['netns', 'del', name]).then(
        () => !madeAhead && process.stderr.write(`berthd: network namespace ${name} of a container whose start was cut off removed\n`),
        (err: unknown) => process.stderr.write(`berthd: network namespace ${name} left: ${(err as Error).message}\n`),
      );
    }
  }

  /**
   * Asks the forwarder again for every published port on record: a rootless daemon that joined the
   * namespaces of a previous one has a new slirp4netns, and the containers it finds still publish.
   * (Ports of containers that exited meanwhile go again when those are reconciled.)
   */
  async restoreForwards(): Promise<void> {
    if (!this.forwarder) return;
    for (const [cid, eps] of Object.entries(this.state.endpoints)) {
      for (const p of eps.flatMap((e) => e.ports)) {
        await this.forwarder.add(p).catch((err: unknown) => {
          process.stderr.write(`berthd: port ${p.hostPort}/${p.proto} of container ${cid.slice(0, 12)} is not forwarded again: ${(err as Error).message}\n`);
        });
      }
    }
  }

  /**
   * A candidate overlapping neither our networks nor any host route (other daemons' bridges, docker0,
   * LANs): the first for the default root's daemon ("berth": berth0 is 10.88.0.0/16 unless taken),
   * a random one for other prefixes. A daemon's bridge (and so its route) only appears with its first
   * container, so daemons that start together (tests run two at a time) would otherwise choose the
   * same one; ensureBridge checks again when it makes the bridge.
   */
  private async freeSubnet(candidates: string[], ownDevice?: string): Promise<string> {
    const taken = [...this.state.networks.map((n) => n.Subnet).filter((s): s is string => Boolean(s)), ...await hostRoutes(ownDevice)];
    const isFree = (c: string): boolean => !taken.some((t) => overlaps(t, c));
    let free = this.prefix === 'berth' ? candidates.find(isFree) : undefined;
    // A few random tries first: testing all 14336 user subnets takes some 150 ms.
    for (let i = 0; this.prefix !== 'berth' && !free && i < 32; i++) {
      const c = candidates[randomInt(candidates.length)];
      if (isFree(c)) free = c;
    }
    if (this.prefix !== 'berth' && !free) {
      const all = candidates.filter(isFree);
      free = all.length ? all[randomInt(all.length)] : undefined;
    }
    if (!free) throw new ConflictError(`no free subnet left for a new network (tried ${candidates[0]} to ${candidates[candidates.length - 1]})`);
    return free;
  }

  private readonly writer = new LatestWriter();
  private readonly pool = new NamespacePool({
    reserve: () => this.reserveReady(),
    build: (r) => this.buildReady(r),
    discard: (r) => this.discardReady(r),
  });
  private readonly departing = new DepartingEnds((veths) => ipBatch(veths.map((v) => `link del ${v}`), undefined, { force: true }).then(() => undefined));

  /**
   * `durable` false: for changes of endpoints only (containers starting, stopping, connecting), which
   * are about running containers and none survives the machine going down; the write is still atomic,
   * so a killed daemon leaves a whole file. Networks themselves are flushed to disk.
   */
  private save(durable = true): Promise<void> { return this.writer.write(this.file, this.state, { durable }); }

  list(): NetworkRecord[] { return [...this.state.networks]; }

  get(idOrName: string): NetworkRecord {
    const n = this.state.networks.find((x) => x.Name === idOrName || x.Id === idOrName)
      ?? this.state.networks.find((x) => idOrName.length >= 3 && x.Id.startsWith(idOrName));
    if (!n) throw new NotFoundError(`network ${idOrName} not found`);
    return n;
  }

  /** Containers (id -> ip) on a network, for inspect and /etc/hosts peers. */
  members(name: string): { containerId: string; ip: string }[] {
    const out: { containerId: string; ip: string }[] = [];
    for (const [cid, eps] of Object.entries(this.state.endpoints)) for (const e of eps) if (e.network === name) out.push({ containerId: cid, ip: e.ip });
    return out;
  }

  /**
   * The endpoints and published ports networks.json holds for a container, as a container record shows
   * them; undefined when it holds none. Reconcile uses it to repair a record saved before its start's.
   */
  recordedAttachment(containerId: string): Pick<Attachment, 'endpoints' | 'ports'> | undefined {
    const eps = this.state.endpoints[containerId];
    if (!eps?.length) return undefined;
    const endpoints: Attachment['endpoints'] = {};
    const ports: Attachment['ports'] = {};
    for (const ep of eps) {
      const net = this.find(ep.network);
      if (!net) continue;
      endpoints[net.Name] = endpoint(net, ep);
      for (const p of ep.ports) (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
    }
    return Object.keys(endpoints).length ? { endpoints, ports } : undefined;
  }

  async create(opts: { Name: string; Driver?: string; Subnet?: string; Labels?: Record<string, string>; Internal?: boolean }): Promise<NetworkRecord> {
    if (!opts.Name || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(opts.Name)) throw new InvalidError(`invalid network name "${opts.Name ?? ''}"`);
    if (this.state.networks.some((n) => n.Name === opts.Name)) throw new ConflictError(`network with name ${opts.Name} already exists`);
    if (opts.Driver && opts.Driver !== 'bridge') throw new InvalidError(`network driver "${opts.Driver}" is not supported: use bridge`);
    let subnet = opts.Subnet;
    const taken = this.state.networks.map((n) => n.Subnet).filter((s): s is string => Boolean(s));
    if (subnet) {
      parseCidr(subnet);
      if (taken.some((t) => overlaps(t, subnet!))) throw new ConflictError(`subnet ${subnet} overlaps with another network`);
      const routed = (await hostRoutes()).find((r) => overlaps(r, subnet!));
      if (routed) throw new ConflictError(`subnet ${subnet} overlaps with the host's route to ${routed}`);
    } else {
      subnet = await this.freeSubnet(USER_SUBNETS);
    }
    const id = randomBytes(32).toString('hex');
    const rec: NetworkRecord = { Id: id, Name: opts.Name, Driver: 'bridge', Created: new Date().toISOString(), Subnet: subnet, Bridge: `${this.prefix}-${id.slice(0, 8)}`, Labels: opts.Labels ?? {}, Internal: Boolean(opts.Internal), ...(opts.Subnet ? {} : { AutoSubnet: true }) };
    this.state.networks.push(rec);
    await this.save();
    this.publish('create', id, { name: rec.Name, type: 'bridge' });
    return rec;
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.get(idOrName);
    if (['bridge', 'host', 'none'].includes(n.Name)) throw new ConflictError(`${n.Name} is a pre-defined network and cannot be removed`);
    if (this.members(n.Name).length) throw new ConflictError(`error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    await this.teardownBridge(n);
    this.state.networks = this.state.networks.filter((x) => x !== n);
    await this.save();
    this.publish('destroy', n.Id, { name: n.Name, type: 'bridge' });
  }

  async prune(): Promise<string[]> {
    const removed: string[] = [];
    for (const n of this.list()) {
      if (['bridge', 'host', 'none'].includes(n.Name) || this.members(n.Name).length) continue;
      await this.remove(n.Id);
      removed.push(n.Name);
    }
    return removed;
  }

  /** The network a NetworkMode names ("default" is the bridge); throws for modes we cannot run. */
  modeName(mode: string | undefined): string {
    const m = !mode || mode === 'default' ? 'bridge' : mode;
    if (m.startsWith('container:')) throw new InvalidError('--network container:NAME is not supported');
    return this.find(m)?.Name ?? m;
  }

  /** The network's record for a start; NotFoundError when it does not exist (any more). */
  resolveMode(mode: string | undefined): string {
    return this.get(this.modeName(mode)).Name;
  }

  find(idOrName: string): NetworkRecord | undefined {
    try { return this.get(idOrName); } catch { return undefined; }
  }

  /** One network by NetworkMode, for build steps and tasks (containers use attachAll). */
  async attach(containerId: string, mode: string | undefined, ports: PortMapping[], aliases: string[]): Promise<Attachment> {
    const att = await this.attachAll(containerId, [{ network: this.resolveMode(mode) }], ports);
    for (const e of Object.values(att.endpoints)) e.Aliases = aliases;
    return att;
  }

  /**
   * A container's network namespace with one interface per network, in order (eth0, eth1, ...);
   * the first is the default route and carries the published ports, as Docker's gateway endpoint.
   * `host` or `none` must come alone (the container service checks that at create and connect).
   * No network at all (a created container disconnected from everything) is a namespace with lo only.
   */
  /** `makeNetns(path)` makes the namespace file instead of `ip netns add` (a container with its own user namespace). */
  async attachAll(containerId: string, requests: EndpointRequest[], ports: PortMapping[], makeNetns?: (path: string) => Promise<void>): Promise<Attachment> {
    const nets = requests.map((r) => ({ req: r, net: this.get(r.network) }));
    const only = nets.length === 1 ? nets[0].net : undefined;
    if (only?.Driver === 'null') return { mode: 'none', endpoints: { none: endpoint(only, undefined) }, ports: {} };
    if (only?.Driver === 'host') return { mode: 'host', endpoints: { host: endpoint(only, undefined) }, ports: {} };
    const odd = nets.find((n) => n.net.Driver !== 'bridge');
    if (odd) throw new InvalidError(`container cannot be connected to network ${odd.net.Name} together with other networks`);
    await this.detach(containerId);
    // A restart right after an exit: the host ends of the last run keep their names until the kernel
    // has deleted them with its namespace.
    const left = this.departing.take(this.vethPrefix(containerId));
    if (left.length) await ipBatch(left.map((v) => `link del ${v}`), undefined, { force: true }).catch(() => undefined);
    // The default bridge alone, no address asked for, a namespace of the daemon's making: one made ahead.
    const onDefault = nets.length === 1 && nets[0].net.Name === 'bridge';
    let ready = onDefault && !nets[0].req.ipv4 && !makeNetns ? this.pool.take() : undefined;
    if (ready && !(existsSync(`/run/netns/${ready.ns}`) && existsSync(`/sys/class/net/${ready.veth}`))) {
      await this.discardReady(ready);
      ready = undefined;
    }
    for (const { req } of nets) if (req.ipv4) await this.pool.release(req.ipv4);
    if (ready) (this.state.netns ??= {})[containerId] = ready.ns;
    const ns = this.netnsName(containerId);
    const endpoints: Record<string, EndpointRecord> = {};
    try {
      if (ready) {
        const ep = await this.adoptReady(containerId, nets[0].net, ready, ports);
        endpoints[nets[0].net.Name] = endpoint(nets[0].net, ep);
        return { mode: 'netns', netnsPath: `/run/netns/${ns}`, endpoints, ports: this.portView(containerId) };
      }
      // Every `ip` run costs a process start on the `docker run` path, so the namespace is made in the
      // first endpoint's host-side batch and lo comes up in its namespace-side one.
      if (makeNetns) await makeNetns(`/run/netns/${ns}`);
      const setup = { host: makeNetns ? [] : [`netns add ${ns}`], ns: ['link set lo up'] };
      if (!nets.length) {
        if (setup.host.length) await ipBatch(setup.host);
        await ipBatch(setup.ns, ns);
      }
      for (const [i, { req, net }] of nets.entries()) {
        const ep = await this.addEndpoint(containerId, net, req.ipv4, i === 0 ? ports : [], i === 0 ? setup : undefined);
        endpoints[net.Name] = endpoint(net, ep);
      }
      return { mode: 'netns', netnsPath: `/run/netns/${ns}`, endpoints, ports: this.portView(containerId) };
    } catch (err) {
      await this.detach(containerId).catch(() => undefined);
      throw err;
    } finally {
      // The next container on the default bridge finds one ready: made when this one ends, or after
      // its start if it runs on (not while its runtime starts, when it took the ready one).
      if (onDefault && !makeNetns) {
        if (ready) this.pool.refillSoon(REFILL_AFTER_START_MS);
        else this.pool.refill();
      }
    }
  }

  private portView(containerId: string): Attachment['ports'] {
    const view: Attachment['ports'] = {};
    for (const p of (this.state.endpoints[containerId] ?? []).flatMap((e) => e.ports)) (view[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
    return view;
  }

  /** A running container joins one more network: a new interface in its namespace, no restart. */
  async connect(containerId: string, req: EndpointRequest): Promise<EndpointRecord> {
    const net = this.get(req.network);
    if (net.Driver !== 'bridge') throw new InvalidError(`container cannot be connected to network ${net.Name} together with other networks`);
    if (!existsSync(`/run/netns/${this.netnsName(containerId)}`)) throw new ConflictError(`container ${containerId.slice(0, 12)} has no network namespace to connect to ${net.Name}: restart it`);
    const ep = await this.addEndpoint(containerId, net, req.ipv4, []);
    return endpoint(net, ep);
  }

  /**
   * A running container leaves one network: its interface goes. If it was the default route, the
   * next interface takes the route and the published ports, as Docker moves its gateway endpoint.
   */
  async disconnect(containerId: string, network: string): Promise<void> {
    const net = this.get(network);
    const eps = this.state.endpoints[containerId] ?? [];
    const ep = eps.find((e) => e.network === net.Name);
    if (!ep) return;
    this.state.endpoints[containerId] = eps.filter((e) => e !== ep);
    const ns = this.netnsName(containerId);
    for (const p of ep.ports) {
      await iptablesDelete('nat', this.chain(), this.dnat(p, ep.ip));
      await this.forwarder?.remove(p).catch(() => undefined);
    }
    await ip(['link', 'del', ep.veth]).catch(() => undefined);
    const next = this.state.endpoints[containerId][0];
    if (next && (ep.gateway ?? true) && !next.gateway) {
      const nextNet = this.state.networks.find((n) => n.Name === next.network);
      if (nextNet?.Subnet) await ipBatch([`route replace default via ${gatewayOf(nextNet.Subnet)} dev ${next.ifname ?? 'eth0'}`], ns).catch(() => undefined);
      next.gateway = true;
      if (nextNet && ep.ports.length) next.ports = await this.publishPorts(nextNet, next.ip, ep.ports, containerId);
    }
    await this.save(false);
    this.publish('disconnect', net.Id, { container: containerId, name: net.Name, type: 'bridge' });
  }

  /** The networks a container has an interface on (running containers only). */
  interfaces(containerId: string): { network: string; ip: string; ifname: string }[] {
    return (this.state.endpoints[containerId] ?? []).map((e) => ({ network: e.network, ip: e.ip, ifname: e.ifname ?? 'eth0' }));
  }

  private netnsName(containerId: string): string { return this.state.netns?.[containerId] ?? `${this.prefix}-${containerId.slice(0, 12)}`; }

  /** Names of namespaces made ahead: a `p` (not hex, so never a container's) and 10 hex digits. */
  private readyName(): string { return `${this.prefix}-p${randomBytes(5).toString('hex')}`; }

  /** The next namespace for the default bridge: names and an address, held from now on. */
  private reserveReady(): ReadyNamespace | undefined {
    const net = this.find('bridge');
    if (!net?.Bridge || !net.Subnet || !this.bridgesReady.has(net.Bridge)) return undefined;
    const used = new Set([...this.members(net.Name).map((m) => m.ip), ...this.departing.addressesHeld(net.Name), ...this.pool.addresses()]);
    used.add(gatewayOf(net.Subnet));
    let addr: string;
    try { addr = allocate(net.Subnet, used); } catch { return undefined; }
    // 15 characters at most: v, the prefix (6 at most), p, 6 hex digits.
    return { ns: this.readyName(), veth: `v${this.prefix}p${randomBytes(3).toString('hex')}`, ip: addr, mac: macOf(addr) };
  }

  /** Makes it as a start would (addEndpoint): two `ip` runs, off any start's path. */
  private async buildReady(r: ReadyNamespace): Promise<void> {
    const net = this.get('bridge');
    try {
      await ipBatch([`netns add ${r.ns}`, `link add ${r.veth} type veth peer name eth0 address ${r.mac} netns ${r.ns}`, `link set ${r.veth} master ${net.Bridge} up`]);
      await ipBatch(['link set lo up', `addr add ${r.ip}/${parseCidr(net.Subnet!).prefix} dev eth0`, 'link set eth0 up', `route add default via ${gatewayOf(net.Subnet!)} dev eth0`], r.ns);
    } catch (err) {
      await this.discardReady(r);
      throw err;
    }
  }

  private async discardReady(r: ReadyNamespace): Promise<void> {
    const hadVeth = existsSync(`/sys/class/net/${r.veth}`);
    if (existsSync(`/run/netns/${r.ns}`)) await deleteNetns(r.ns).catch(() => undefined);
    if (hadVeth) this.departing.add(r.veth, 'bridge', r.ip);
  }

  /** A namespace made ahead becomes the container's eth0 on the default bridge: no `ip` run. */
  private async adoptReady(containerId: string, net: NetworkRecord, r: ReadyNamespace, ports: PortMapping[]): Promise<EndpointState> {
    await this.ensureBridge(net);
    const ep: EndpointState = { network: net.Name, ip: r.ip, veth: r.veth, ifname: 'eth0', mac: r.mac, gateway: true, ports: [] };
    (this.state.endpoints[containerId] ??= []).push(ep);
    ep.ports = await this.publishPorts(net, r.ip, ports, containerId);
    await this.save(false);
    this.publish('connect', net.Id, { container: containerId, name: net.Name, type: 'bridge' });
    return ep;
  }

  /** The host ends of a container's veth pairs are named this and the interface's number. */
  private vethPrefix(containerId: string): string { return `v${this.prefix}${containerId.slice(0, 12 - this.prefix.length)}_`; }

  /** One veth pair from the network's bridge into the container's namespace, named ethN there. */
  /** `first`: commands run before this endpoint's own, in the same two `ip` runs (host side, namespace side). */
  private async addEndpoint(containerId: string, net: NetworkRecord, staticIp: string | undefined, ports: PortMapping[], first?: { host: string[]; ns: string[] }): Promise<EndpointState> {
    await this.ensureBridge(net);
    // From here to eps.push nothing awaits: concurrent starts and connects must not share an
    // address or an interface name.
    const eps = (this.state.endpoints[containerId] ??= []);
    if (eps.some((e) => e.network === net.Name)) throw new ForbiddenError(`endpoint with name ${containerId.slice(0, 12)} already exists in network ${net.Name}`);
    const taken = new Set(eps.map((e) => e.ifname ?? 'eth0'));
    let n = 0;
    while (taken.has(`eth${n}`)) n++;
    if (n >= 36) throw new ConflictError(`container ${containerId.slice(0, 12)} is on too many networks (36 at most)`);
    const used = new Set([...this.members(net.Name).map((m) => m.ip), ...this.departing.addressesHeld(net.Name), ...(net.Name === 'bridge' ? this.pool.addresses() : [])]);
    used.add(gatewayOf(net.Subnet!));
    let addr: string;
    if (staticIp) {
      checkInSubnet(net.Subnet!, staticIp);
      if (used.has(staticIp)) throw new ForbiddenError('Address already in use');
      addr = staticIp;
    } else addr = allocate(net.Subnet!, used);
    const ifname = `eth${n}`;
    // 15 characters at most (IFNAMSIZ); the "_" keeps them apart from the one-interface names of
    // daemons before (v<prefix><id>, no "_"), which running containers may still have.
    const veth = `${this.vethPrefix(containerId)}${n.toString(36)}`;
    const mac = macOf(addr);
    const gateway = !eps.some((e) => e.gateway ?? true);
    const ep: EndpointState = { network: net.Name, ip: addr, veth, ifname, mac, gateway, ports: [] };
    eps.push(ep);
    const ns = this.netnsName(containerId);
    try {
      await ipBatch([...(first?.host ?? []), `link add ${veth} type veth peer name ${ifname} address ${mac} netns ${ns}`, `link set ${veth} master ${net.Bridge} up`]);
      await ipBatch([
        ...(first?.ns ?? []),
        `addr add ${addr}/${parseCidr(net.Subnet!).prefix} dev ${ifname}`, `link set ${ifname} up`,
        ...(gateway ? [`route add default via ${gatewayOf(net.Subnet!)} dev ${ifname}`] : []),
      ], ns);
      ep.ports = await this.publishPorts(net, addr, ports, containerId);
    } catch (err) {
      this.state.endpoints[containerId] = (this.state.endpoints[containerId] ?? []).filter((e) => e !== ep);
      await ip(['link', 'del', veth]).catch(() => undefined);
      throw err;
    }
    await this.save(false);
    this.publish('connect', net.Id, { container: containerId, name: net.Name, type: 'bridge' });
    return ep;
  }

  async detach(containerId: string): Promise<void> {
    const eps = this.state.endpoints[containerId];
    // Taken out first: a second detach (exit and remove race) finds nothing left to do.
    delete this.state.endpoints[containerId];
    const ns = this.netnsName(containerId);
    if (this.state.netns) delete this.state.netns[containerId];
    // Deleting the namespace deletes its ethN and with them the host ends of the veth pairs, a moment
    // later (departing-ends.ts); ends whose namespace is gone already are deleted here (one `ip` run,
    // -force: a line that finds its device gone does not stop the others).
    const hadNs = existsSync(`/run/netns/${ns}`);
    const present = (eps ?? []).filter((e) => existsSync(`/sys/class/net/${e.veth}`));
    if (hadNs) {
      const done = await deleteNetns(ns).then(() => true, () => false);
      for (const e of present) this.departing.add(e.veth, e.network, e.ip);
      // A namespace that could not be deleted keeps its ends: they are deleted by hand now.
      if (!done) void this.departing.sweepNow();
    } else if (present.length) {
      await ipBatch(present.map((e) => `link del ${e.veth}`), undefined, { force: true }).catch(() => undefined);
    }
    if (eps?.some((e) => e.network === 'bridge')) this.pool.refill();
    if (!eps) return;
    for (const e of eps) {
      for (const p of e.ports) {
        await iptablesDelete('nat', this.chain(), this.dnat(p, e.ip));
        await this.forwarder?.remove(p).catch(() => undefined);
      }
      const net = this.state.networks.find((n) => n.Name === e.network);
      if (net) this.publish('disconnect', net.Id, { container: containerId, name: net.Name, type: 'bridge' });
    }
    await this.save(false);
  }

  /** Forwarded ports arrive at the namespace's own address, whatever host address they were published on. */
  private dnat(p: PortMapping, addr: string): string[] {
    return dnatRule(this.forwarder ? { ...p, hostIp: '' } : p, addr);
  }

  private async publishPorts(net: NetworkRecord, addr: string, ports: PortMapping[], containerId: string): Promise<PortMapping[]> {
    const bound: PortMapping[] = [];
    const inUse = new Set(Object.entries(this.state.endpoints).filter(([cid]) => cid !== containerId).flatMap(([, eps]) => eps).flatMap((e) => e.ports.map((p) => `${p.proto}/${p.hostPort}`)));
    for (const p of ports) {
      let hostPort = p.hostPort;
      if (hostPort === 0) hostPort = await freePort();
      if (inUse.has(`${p.proto}/${hostPort}`)) throw new ConflictError(`Bind for ${p.hostIp || '0.0.0.0'}:${hostPort} failed: port is already allocated`);
      inUse.add(`${p.proto}/${hostPort}`);
      const m = { ...p, hostPort };
      if (this.forwarder) {
        // The host side is slirp4netns's: a port it cannot bind fails the start, as a taken port does.
        try { await this.forwarder.add(m); } catch (err) {
          for (const b of bound) await this.forwarder.remove(b).catch(() => undefined);
          throw err;
        }
      }
      await iptablesEnsure('nat', this.chain(), this.dnat(m, addr));
      bound.push(m);
    }
    void net;
    return bound;
  }

  /** One bridge set-up at a time: two starts on a new network must not both add its rules. */
  private bridgeQueue: Promise<void> = Promise.resolve();
  private warnedRaw = false;

  /**
   * Bridges whose sysctls and iptables rules this daemon has set (at its start or their first use):
   * later starts on them skip the ~16 iptables runs of bridgeRules, the largest part of a
   * `docker run --rm` on the default network (Docker too sets a bridge's rules once, not per container).
   */
  private readonly bridgesReady = new Set<string>();

  private ensureBridge(net: NetworkRecord): Promise<void> {
    if (this.bridgesReady.has(net.Bridge!) && existsSync(`/sys/class/net/${net.Bridge}`)) return this.bridgeQueue;
    const next = this.bridgeQueue.then(async () => {
      const br = net.Bridge!;
      // Set up by the start queued before this one (two containers starting at once on a new network).
      if (this.bridgesReady.has(br) && existsSync(`/sys/class/net/${br}`)) return;
      if (!existsSync(`/sys/class/net/${br}`)) {
        // Another daemon may have made a bridge on this subnet since it was chosen: choose again
        // while nothing uses it (two bridges with one subnet break both daemons' routing).
        const clash = (await hostRoutes(br)).some((r) => overlaps(r, net.Subnet!));
        if (clash && net.AutoSubnet && !this.members(net.Name).length) {
          net.Subnet = await this.freeSubnet(net.Name === 'bridge' ? DEFAULT_SUBNETS : USER_SUBNETS, br);
          await this.save();
        }
        await ipBatch([`link add ${br} type bridge`, `addr add ${gatewayOf(net.Subnet!)}/${parseCidr(net.Subnet!).prefix} dev ${br}`, `link set ${br} up`]);
      }
      await sysctl('net.ipv4.ip_forward', '1');
      // Host-originated connections to 127.0.0.1:port are DNATed to the container; the kernel only
      // routes 127/8 sources out of an interface with route_localnet, and they need masquerading.
      // A rootless daemon does not need it: published ports reach its namespace through slirp4netns
      // at the tap's address, never at 127.0.0.1. Either way the raw rules of bridgeRules() drop
      // whatever arrives on the bridge with a 127/8 address (CVE-2020-8558).
      await sysctl(`net.ipv4.conf.${br}.route_localnet`, this.forwarder ? '0' : '1');
      await this.bridgeRules(net);
      this.bridgesReady.add(br);
    });
    this.bridgeQueue = next.catch(() => undefined);
    return next;
  }

  private chain(): string { return this.prefix.toUpperCase(); }

  /**
   * The daemon's filter and raw chains (nat has `<PREFIX>` for DNAT):
   *   filter <PREFIX>-FORWARD    jumped to first from FORWARD; for each bridge, first (inserted) the
   *                              isolation jump `-i BR ! -o BR -j <PREFIX>-ISOLATION`, then (appended)
   *                              `-i BR -j ACCEPT` and `-o BR -j ACCEPT`.
   *   filter <PREFIX>-ISOLATION  `-o BR -j DROP` for every bridge of the daemon, after a RETURN for
   *                              connections DNATed to a published port.
   *   raw <PREFIX>-LOCALNET      jumped to first from raw PREROUTING; drops 127/8 on every bridge.
   * Keeping our rules in our own chains fixes their order whatever else FORWARD holds (Docker's
   * chains, a firewall's), and teardownAll can flush them even when the network records are gone.
   */
  private filterChains(): { forward: string; isolation: string; localnet: string } {
    const c = this.chain();
    return { forward: `${c}-FORWARD`, isolation: `${c}-ISOLATION`, localnet: `${c}-LOCALNET` };
  }

  /**
   * The iptables rules of one bridge, idempotent (what is there already is left as it is): made in one
   * iptables-save and one iptables-restore (iptables-batch.ts), or, when that fails (a raw table a rootless
   * daemon cannot load, an iptables without restore), one iptables run per rule as before.
   */
  private async bridgeRules(net: NetworkRecord): Promise<void> {
    try {
      await applyRuleChanges(this.bridgeRuleChanges(net));
    } catch {
      await this.bridgeRulesOneByOne(net);
    }
  }

  /** bridgeRulesOneByOne's changes, in its order, for one iptables-restore. */
  private bridgeRuleChanges(net: NetworkRecord): RuleChange[] {
    const br = net.Bridge!;
    const { forward, isolation, localnet } = this.filterChains();
    const chain = this.chain();
    return [
      { kind: 'chain', table: 'nat', chain },
      { kind: 'append', table: 'nat', chain: 'PREROUTING', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain] },
      { kind: 'append', table: 'nat', chain: 'OUTPUT', rule: ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain] },
      { kind: 'append', table: 'nat', chain: 'POSTROUTING', rule: ['-s', net.Subnet!, '!', '-o', br, '-j', 'MASQUERADE'] },
      { kind: 'append', table: 'nat', chain: 'POSTROUTING', rule: ['-s', '127.0.0.0/8', '-o', br, '-j', 'MASQUERADE'] },
      { kind: 'chain', table: 'raw', chain: localnet },
      { kind: 'insert', table: 'raw', chain: 'PREROUTING', rule: ['-j', localnet] },
      { kind: 'append', table: 'raw', chain: localnet, rule: ['-i', br, '-d', '127.0.0.0/8', '-j', 'DROP'] },
      { kind: 'append', table: 'raw', chain: localnet, rule: ['-i', br, '-s', '127.0.0.0/8', '-j', 'DROP'] },
      { kind: 'chain', table: 'filter', chain: isolation },
      { kind: 'insert', table: 'filter', chain: isolation, rule: ['-m', 'conntrack', '--ctstate', 'DNAT', '-j', 'RETURN'] },
      { kind: 'append', table: 'filter', chain: isolation, rule: ['-o', br, '-j', 'DROP'] },
      { kind: 'chain', table: 'filter', chain: forward },
      { kind: 'insert', table: 'filter', chain: 'FORWARD', rule: ['-j', forward] },
      { kind: 'insert', table: 'filter', chain: forward, rule: ['-i', br, '!', '-o', br, '-j', isolation] },
      { kind: 'append', table: 'filter', chain: forward, rule: ['-i', br, '-j', 'ACCEPT'] },
      { kind: 'append', table: 'filter', chain: forward, rule: ['-o', br, '-j', 'ACCEPT'] },
      { kind: 'delete', table: 'filter', chain: 'FORWARD', rule: ['-i', br, '-j', 'ACCEPT'] },
      { kind: 'delete', table: 'filter', chain: 'FORWARD', rule: ['-o', br, '-j', 'ACCEPT'] },
    ];
  }

  /** The iptables rules of one bridge, one iptables run each; each is checked (-C) before it is added, so this is idempotent. */
  private async bridgeRulesOneByOne(net: NetworkRecord): Promise<void> {
    const br = net.Bridge!;
    const { forward, isolation, localnet } = this.filterChains();
    const chain = this.chain();
    await iptablesChain('nat', chain);
    await iptablesEnsure('nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]);
    await iptablesEnsure('nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]);
    await iptablesEnsure('nat', 'POSTROUTING', ['-s', net.Subnet!, '!', '-o', br, '-j', 'MASQUERADE']);
    await iptablesEnsure('nat', 'POSTROUTING', ['-s', '127.0.0.0/8', '-o', br, '-j', 'MASQUERADE']);

    // CVE-2020-8558. With route_localnet on, a container could address the host's loopback: a SYN
    // to 127.0.0.1:PORT sent to the gateway's MAC reaches services bound to 127.0.0.1 only. Docker
    // leaves route_localnet off with its userland proxy; Berth needs it for the DNAT of 127.0.0.1 and
    // so drops such packets where they arrive, as kube-proxy does. In raw PREROUTING, not filter
    // INPUT: raw runs before conntrack and before nat PREROUTING, so the packet is gone before it
    // can be DNATed (127.0.0.1:<published port> would otherwise be forwarded to another container,
    // past INPUT) and before any ACCEPT a firewall put first in INPUT; it leaves no conntrack entry.
    // No "! -s 127.0.0.0/8" exemption: nothing legitimate comes in on a bridge from 127/8 (our
    // 127.0.0.1 DNAT is masqueraded to the gateway's address going out, and its replies come back
    // to that address, un-NATed only after raw), while a spoofed 127.0.0.1 source would make a
    // one-way UDP datagram look local. Nor do we drop 127/8 sources elsewhere: only bridges.
    try {
      await iptablesChain('raw', localnet);
      await iptablesEnsure('raw', 'PREROUTING', ['-j', localnet], true);
      await iptablesEnsure('raw', localnet, ['-i', br, '-d', '127.0.0.0/8', '-j', 'DROP']);
      await iptablesEnsure('raw', localnet, ['-i', br, '-s', '127.0.0.0/8', '-j', 'DROP']);
    } catch (err) {
      // As root this fails the start. A rootless daemon has route_localnet off, so the kernel drops
      // these packets as martians anyway; there the rules only back that up, and a user namespace
      // cannot load a missing raw table (legacy iptables).
      if (!this.forwarder) throw err;
      if (!this.warnedRaw) process.stderr.write(`berthd: no raw-table rules for 127.0.0.0/8 on the bridges (route_localnet is off): ${(err as Error).message}\n`);
      this.warnedRaw = true;
    }

    // Isolation between networks, Docker's DOCKER-ISOLATION-STAGE-1/2: what comes from one of our
    // bridges and leaves through another of our bridges is dropped. A container on two networks has
    // an interface on each bridge, so its traffic never crosses between them. A connection DNATed
    // to a published port may cross (a container reaching another network's published port at a
    // host address, which Docker's userland proxy also serves); nothing else is DNATed into a bridge.
    await iptablesChain('filter', isolation);
    await iptablesEnsure('filter', isolation, ['-m', 'conntrack', '--ctstate', 'DNAT', '-j', 'RETURN'], true);
    await iptablesEnsure('filter', isolation, ['-o', br, '-j', 'DROP']);
    await iptablesChain('filter', forward);
    await iptablesEnsure('filter', 'FORWARD', ['-j', forward], true);
    await iptablesEnsure('filter', forward, ['-i', br, '!', '-o', br, '-j', isolation], true);
    await iptablesEnsure('filter', forward, ['-i', br, '-j', 'ACCEPT']);
    await iptablesEnsure('filter', forward, ['-o', br, '-j', 'ACCEPT']);
    // Rules of daemons before the chain (ACCEPTs straight in FORWARD) would let a bridge past it.
    await iptablesDelete('filter', 'FORWARD', ['-i', br, '-j', 'ACCEPT']);
    await iptablesDelete('filter', 'FORWARD', ['-o', br, '-j', 'ACCEPT']);
  }

  /**
   * At start: the rules of every bridge that exists (containers outlive the daemon), so rules of an
   * older daemon are replaced and flushed tables are filled again before the engine serves requests.
   */
  async restoreRules(): Promise<void> {
    for (const n of this.state.networks) {
      if (n.Driver !== 'bridge' || !n.Bridge || !n.Subnet || !existsSync(`/sys/class/net/${n.Bridge}`)) continue;
      await this.ensureBridge(n).catch((err: unknown) => {
        process.stderr.write(`berthd: the iptables rules of network ${n.Name} (${n.Bridge}) are not restored: ${(err as Error).message}\n`);
      });
    }
  }

  private async teardownBridge(net: NetworkRecord): Promise<void> {
    if (!net.Bridge || !net.Subnet) return;
    const br = net.Bridge;
    const ours = this.bridgesReady.delete(br);
    const { forward, isolation, localnet } = this.filterChains();
    const rules: [string, string, string[]][] = [
      ['nat', 'POSTROUTING', ['-s', net.Subnet, '!', '-o', br, '-j', 'MASQUERADE']],
      ['nat', 'POSTROUTING', ['-s', '127.0.0.0/8', '-o', br, '-j', 'MASQUERADE']],
      ['filter', forward, ['-i', br, '!', '-o', br, '-j', isolation]],
      ['filter', forward, ['-i', br, '-j', 'ACCEPT']],
      ['filter', forward, ['-o', br, '-j', 'ACCEPT']],
      ['filter', isolation, ['-o', br, '-j', 'DROP']],
      ['raw', localnet, ['-i', br, '-d', '127.0.0.0/8', '-j', 'DROP']],
      ['raw', localnet, ['-i', br, '-s', '127.0.0.0/8', '-j', 'DROP']],
    ];
    // Left by daemons before the chains (bridgeRules deletes them when it sets a bridge's rules).
    const legacy: [string, string, string[]][] = [
      ['filter', 'FORWARD', ['-i', br, '-j', 'ACCEPT']],
      ['filter', 'FORWARD', ['-o', br, '-j', 'ACCEPT']],
    ];
    // Each rule alone is its own iptables process (tens of ms each, and they contend for the tables
    // when run together): rules this daemon set go in one iptables-restore, all or nothing. Otherwise
    // (a bridge it never set up, rules flushed by hand, raw rules a rootless daemon could not add), or
    // when that fails, one by one, each allowed to be missing.
    const oneByOne = (list: [string, string, string[]][]): Promise<unknown> => Promise.all(list.map(([t, c, r]) => iptablesDelete(t, c, r)));
    const rulesGone = ours ? iptablesDeleteAll(rules).catch(() => oneByOne(rules)) : oneByOne([...rules, ...legacy]);
    // The bridge goes meanwhile: rules name it, they do not need it.
    const bridgeGone = existsSync(`/sys/class/net/${br}`) ? ip(['link', 'del', br]).catch(() => undefined) : undefined;
    await Promise.all([rulesGone, bridgeGone]);
  }

  /** At the daemon's stop: the namespace made ahead goes (none is made after). */
  releaseReady(): Promise<void> { return this.pool.close(); }

  /** Removes everything this service created on the host (tests use a unique prefix). */
  async teardownAll(): Promise<void> {
    await this.pool.close();
    for (const cid of Object.keys(this.state.endpoints)) await this.detach(cid);
    await this.departing.sweepNow();
    for (const n of this.state.networks) await this.teardownBridge(n);
    const chain = this.chain();
    const { forward, isolation, localnet } = this.filterChains();
    await iptablesDelete('nat', 'PREROUTING', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]);
    await iptablesDelete('nat', 'OUTPUT', ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', chain]);
    await iptablesDelete('filter', 'FORWARD', ['-j', forward]);
    await iptablesDelete('raw', 'PREROUTING', ['-j', localnet]);
    // Flushed before any is deleted: <PREFIX>-FORWARD refers to <PREFIX>-ISOLATION.
    for (const [table, c] of [['nat', chain], ['filter', forward], ['filter', isolation], ['raw', localnet]]) {
      await run('iptables', ['-w', '-t', table, '-F', c]).catch(() => undefined);
    }
    for (const [table, c] of [['nat', chain], ['filter', forward], ['filter', isolation], ['raw', localnet]]) {
      await run('iptables', ['-w', '-t', table, '-X', c]).catch(() => undefined);
    }
  }

  inspectView(n: NetworkRecord, names: (id: string) => string | undefined): Record<string, unknown> {
    const containers: Record<string, unknown> = {};
    for (const [cid, eps] of Object.entries(this.state.endpoints)) {
      const e = eps.find((x) => x.network === n.Name);
      if (!e) continue;
      containers[cid] = { Name: names(cid) ?? '', EndpointID: endpointId(n.Id, cid), MacAddress: e.mac ?? '', IPv4Address: `${e.ip}/${parseCidr(n.Subnet!).prefix}`, IPv6Address: '' };
    }
    return {
      Name: n.Name, Id: n.Id, Created: n.Created, Scope: 'local', Driver: n.Driver, EnableIPv6: false,
      IPAM: { Driver: 'default', Options: null, Config: n.Subnet ? [{ Subnet: n.Subnet, Gateway: gatewayOf(n.Subnet) }] : [] },
      Internal: n.Internal, Attachable: false, Ingress: false, ConfigFrom: { Network: '' }, ConfigOnly: false,
      // Options are what the user gave, as Docker shows them: docker-compose compares them with the
      // file's driver_opts and wants a network recreated when a key differs. Only the default
      // bridge names its bridge (Docker's shows docker0 there).
      Containers: containers, Options: n.Name === 'bridge' && n.Bridge ? { 'com.docker.network.bridge.name': n.Bridge } : {}, Labels: n.Labels,
    };
  }
}

/**
 * Destinations of the host's IPv4 routes (table main), except the default route. Read from
 * /proc/net/route, which lists that table, rather than from an `ip route` run (a process start on the
 * path of every network create and first start); from `ip` when the file cannot be read.
 */
async function hostRoutes(exceptDevice?: string): Promise<string[]> {
  const fromProc = await readFile('/proc/net/route', 'utf8').then((t) => procRoutes(t, exceptDevice), () => undefined);
  const dests = fromProc ?? (await ip(['-4', 'route', 'show', 'table', 'main']).catch(() => '')).split('\n')
    .filter((l) => !exceptDevice || !l.includes(` dev ${exceptDevice} `)).map((l) => l.split(/\s+/)[0]).filter((d) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(d))
    .map((d) => (d.includes('/') ? d : `${d}/32`));
  return dests.filter((d) => { const p = Number(d.split('/')[1]); return !d.startsWith('127.') && p >= 8 && p <= 30; });
}

/** /proc/net/route's routes as CIDRs: destination and mask are 32-bit hex in the host's byte order. */
export function procRoutes(text: string, exceptDevice?: string, littleEndian = endianness() === 'LE'): string[] {
  const addr = (hex: string): number[] => {
    const b = [0, 8, 16, 24].map((shift) => (parseInt(hex, 16) >>> shift) & 255);
    return littleEndian ? b : b.reverse();
  };
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8 && f[0] !== exceptDevice).map((f) => {
    const prefix = addr(f[7]).reduce((n, byte) => n + byte.toString(2).replace(/0/g, '').length, 0);
    return `${addr(f[1]).join('.')}/${prefix}`;
  });
}

/** The addresses of an endpoint; the container service adds its aliases. */
function endpoint(net: NetworkRecord, ep: EndpointState | undefined): EndpointRecord {
  const addr = ep?.ip ?? '';
  return {
    NetworkID: net.Id, IPAddress: addr, IPPrefixLen: net.Subnet && addr ? parseCidr(net.Subnet).prefix : 0,
    Gateway: net.Subnet && addr ? gatewayOf(net.Subnet) : '', MacAddress: ep?.mac ?? '', Aliases: [],
  };
}

/** A stable ID per (network, container), 64 hex characters as Docker's. */
export function endpointId(networkId: string, containerId: string): string {
  return networkId.slice(0, 12) + containerId.slice(0, 52);
}

/** Docker's bridge driver derives the MAC from the IPv4 address: 02:42 and its four bytes. */
function macOf(addr: string): string {
  return ['02', '42', ...addr.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

function dnatRule(p: PortMapping, addr: string): string[] {
  return [...(p.hostIp && p.hostIp !== '0.0.0.0' ? ['-d', p.hostIp] : []), '-p', p.proto, '--dport', String(p.hostPort), '-j', 'DNAT', '--to-destination', `${addr}:${p.containerPort}`];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const NETWORK_FIELDS = struct('NetworkRecord', { Id: str, Name: str, Created: str, Labels: strMap, Internal: bool });

/**
 * Networks created before bodies were checked may hold labels of the wrong type, which break
 * `docker network ls` for every client: those values are dropped (one log line each); a network
 * without a usable Id or Name is dropped.
 */
function repairNetworks(state: State): State {
  const networks = (Array.isArray(state.networks) ? state.networks : []).flatMap((n) => {
    const { value, problems } = repairValue<Partial<NetworkRecord>>(n, NETWORK_FIELDS);
    if (!value.Id || !value.Name) {
      process.stderr.write(`berthd: network ${JSON.stringify(value.Name ?? value.Id ?? '?')}: skipped, its record has no valid Id or Name\n`);
      return [];
    }
    if (problems.length) process.stderr.write(`berthd: network ${value.Name}: repaired its record, dropped values of the wrong type: ${problems.map((p) => p.path).join(', ')}\n`);
    return [{ ...value, Labels: value.Labels ?? {}, Internal: Boolean(value.Internal) } as NetworkRecord];
  });
  const netns = Object.fromEntries(Object.entries(state.netns ?? {}).filter(([id, n]) => typeof id === 'string' && typeof n === 'string'));
  return { ...state, networks, endpoints: state.endpoints ?? {}, netns };
}
