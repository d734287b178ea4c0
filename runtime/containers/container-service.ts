// Container lifecycle: create, start (through a monitor), stop/kill/restart, wait, remove, attach,
// restart policies, reconcile after a daemon restart. Errors are errdefs kinds; events go to `publish`.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { LatestWriter } from '../fs/atomic-write.js';
import { dirSize } from '../fs/dir-size.js';
import { asDiskFull, ConflictError, ForbiddenError, InvalidError, NotFoundError, NotModifiedError } from '../errdefs.js';
import { LogReader, type LogQuery, type LogSink } from '../logs/log-reader.js';
import { daemonMountsRootfs, mountOverlay, unmount, unmountIfMounted } from '../fs/overlay-mount.js';
import { mountPointsUnder } from '../fs/mount-table.js';
import { logLimits } from '../logs/log-options.js';
import { connectMonitor, type Handover, type MonitorSession, type SparePool } from '../monitor/monitor-client.js';
import type { ExitRecord } from '../monitor/protocol.js';
import { readExitRecord } from '../monitor/exit-file.js';
import type { NetworkService } from '../network/network-service.js';
import { portMappings } from '../network/ports.js';
import { releaseOrphanedTask, recoverContainerFolder } from './container-recovery.js';
import { containerPaths, createLayout, hostsFile, writeBundle, type ContainerPaths } from '../tasks/bundle.js';
import type { OciRuntime } from '../tasks/oci-runtime.js';
import type { VolumeService } from '../volumes/volume-service.js';
import type { CreateRequest, ImageRunConfig } from './api-types.js';
import { checkEndpointSettings, checkJoin, endpointRecord, isUserDefined, linkAliases, PREDEFINED, startedEndpoints, type EndpointSettings } from './endpoints.js';
import { HealthChecks, type Probe } from './health.js';
import { launchSpec } from './launch-spec.js';
import { checkedName, generatedName } from './names.js';
import { checkCreateRequest } from './create-checks.js';
import { changesLimits, updatedHostConfig, type UpdateRequest } from './container-update.js';
import { ociResources } from '../tasks/resources.js';
import { repairRecord } from './record-repair.js';
import { newContainerRecord } from './new-record.js';
import { assertState, inspectView, isRunning, summaryView, type ContainerRecord } from './record.js';
import type { RootfsLayout } from './rootfs-access.js';
import { normalizeSignal } from './signals.js';
import { sampleStats, stoppedStats, type StatsSample } from './stats.js';
import { cgroupDriver, cgroupLimitsApply } from '../cgroups/select.js';
import { processTable } from './top.js';
import { rootlessMode } from '../rootless/mode.js';
import { rootlessLimitWarnings } from '../rootless/rootless-spec.js';
import { startLog } from '../daemon/start-recovery.js';
import { withProcessCounters } from '../rootless/process-stats.js';
import type { SecurityContext } from '../security/container-security.js';
import { allocateIdMap, type IdMap, type IdPool } from '../userns/id-pool.js';
import { mountIdmappedOverlay } from '../userns/idmapped-overlay.js';
import { ensureUserns, makeNetnsIn, releaseUserns } from '../userns/namespace-files.js';
import { adoptFreshVolume, assertVolumeReachable, containerFolder, giveToContainerRoot, openEngineRootForUserns } from '../userns/ownership.js';
import { wantsOwnUserns, type UsernsSupport } from '../userns/userns-mode.js';

export interface ResolvedImage { id: string; name: string; config: ImageRunConfig; layerDirs: string[] }
/** What the container service needs from the image store. Throws NotFoundError for unknown images. */
export interface ImageSource { resolve(ref: string): ResolvedImage; display(imageId: string, fallback: string): string }

export type Publish = (action: string, id: string, attrs: Record<string, string>) => void;

export interface AttachOptions { stdin: boolean; stdout: boolean; stderr: boolean }
export interface Attacher {
  opts: AttachOptions;
  /** Returns false when the client's buffer is full; output then pauses until `drained` resolves. */
  onData: (stream: 'stdout' | 'stderr', data: Buffer) => boolean | void;
  drained?: () => Promise<void>;
  onEnd: () => void;
  /**
   * Attached before the start: the client's raw connection (after the 101, unread) if it can be
   * handed to the container's monitor, which then serves it directly. Once taken, the daemon is out.
   */
  takeover?: () => { socket: Socket; head: Buffer } | undefined;
  /** The connection stays with the daemon after all: start reading the client's stdin. */
  relayInput?: () => void;
}

interface Live {
  session?: MonitorSession;
  attachers: Set<Attacher>;
  waiters: { condition: string; resolve: (v: { StatusCode: number; Error: { Message: string } | null }) => void }[];
  exitWaiters: (() => void)[];
  pendingStdin: Buffer[];
  stdinEnded: boolean;
  restartTimer?: NodeJS.Timeout;
}


export interface ContainerServiceDeps {
  root: string;
  images: ImageSource;
  pool: SparePool;
  runtime: OciRuntime;
  networks: NetworkService;
  volumes: VolumeService;
  publish: Publish;
  initBinary?: string;
  cgroupParent?: string;
  /** The daemon's capability bounding set (what --privileged can give). */
  hostCapabilities?: string[];
  /** A line for the daemon's log. */
  log?: (line: string) => void;
  /** Seccomp default and what the host can enforce: checked at create, applied at start. */
  security: SecurityContext;
  /** The engine's UsernsMode default and whether containers can have their own user namespace. */
  userns: UsernsSupport;
  /** Where per-container id ranges come from (runtime/userns/id-pool.ts). */
  idPool: IdPool;
}

export class ContainerService {
  private readonly records = new Map<string, ContainerRecord>();
  private readonly live = new Map<string, Live>();
  private readonly dir: string;
  readonly cgroupParent: string;
  private probe: Probe = () => Promise.resolve({ exitCode: -1, output: 'health probes are not wired' });
  private readonly health: HealthChecks;

  constructor(private readonly d: ContainerServiceDeps) {
    this.dir = join(d.root, 'containers');
    this.cgroupParent = d.cgroupParent ?? 'berth';
    this.health = new HealthChecks({
      probe: (id, cmd, timeout) => this.probe(id, cmd, timeout),
      save: (r) => this.save(r),
      publish: (r, status) => this.d.publish(`health_status: ${status}`, r.Id, this.attrs(r)),
    });
  }

  /** Health probes run as execs; the exec service exists after this one, so it is wired in later. */
  setProbe(probe: Probe): void { this.probe = probe; }

  /** The container's upper dir, then its image layers from the top: where files are looked up. */
  rootDirs(r: ContainerRecord): string[] {
    return [this.paths(r.Id).upper, ...[...this.d.images.resolve(r.Image).layerDirs].reverse()];
  }

  /** What `docker cp` and `docker export` need to see the container's files from the host. */
  rootfsLayout(idOrName: string): { record: ContainerRecord; layout: RootfsLayout } {
    const r = this.get(idOrName);
    const p = this.paths(r.Id);
    const map = r.IdMap;
    const userns = map ? async (): Promise<string> => { const f = this.usernsFile(r.Id); await ensureUserns(f, map); return f; } : undefined;
    return {
      record: r,
      layout: {
        upper: p.upper, work: p.work, layerDirs: this.d.images.resolve(r.Image).layerDirs, scratch: p.dir,
        mounts: [
          ...r.Mounts.filter((m) => m.Type !== 'tmpfs').map((m) => ({ destination: m.Destination, source: m.Source })),
          { destination: '/etc/hostname', source: p.hostname }, { destination: '/etc/hosts', source: p.hosts }, { destination: '/etc/resolv.conf', source: p.resolvConf },
        ],
        pid: r.State.Status === 'running' || r.State.Status === 'paused' ? r.State.Pid : 0,
        userns,
      },
    };
  }

  private liveOf(id: string): Live {
    let l = this.live.get(id);
    if (!l) { l = { attachers: new Set(), waiters: [], exitWaiters: [], pendingStdin: [], stdinEnded: false }; this.live.set(id, l); }
    return l;
  }

  paths(id: string) { return containerPaths(join(this.dir, id)); }

  // Records change on every start and exit: atomic, not fsynced (reconcile repairs state after a crash).
  private readonly writer = new LatestWriter({ durable: false });

  private save(r: ContainerRecord): Promise<void> {
    if (!this.records.has(r.Id)) return Promise.resolve(); // removed meanwhile: do not recreate its folder
    return this.writer.write(join(this.dir, r.Id, 'config.v2.json'), r).catch((err: unknown) => {
      // A short-lived --rm container can be removed (its folder renamed away) while a save is in flight.
      if (this.records.has(r.Id)) throw err;
    });
  }

  /** Loads records and reconnects to monitors of containers that kept running while we were down. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const id of await readdir(this.dir)) {
      if (!(await recoverContainerFolder(join(this.dir, id), startLog))) continue;
      const r = await this.loadRecord(id);
      if (!r) continue;
      this.records.set(r.Id, r);
      this.byName.set(r.Name, r.Id);
      // A container started just before a crash may still be recorded as created (the start
      // replies before its record is written): a monitor socket says it was started.
      const mayRun = isRunning(r) || r.State.Status === 'restarting' || (r.State.Status === 'created' && existsSync(join(this.paths(r.Id).dir, 'monitor.sock')));
      if (mayRun) await this.reconcile(r);
    }
  }

  /** One record from disk, repaired if a value has the wrong type (one log line), or undefined (skipped, logged). */
  private async loadRecord(dirName: string): Promise<ContainerRecord | undefined> {
    const file = join(this.dir, dirName, 'config.v2.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      // A folder without a record is a create that did not finish; anything else is worth a line.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.d.log?.(`container ${dirName}: skipped, its record cannot be read: ${(err as Error).message}`);
      return undefined;
    }
    const result = repairRecord(raw);
    if (result.kind === 'skipped') {
      this.d.log?.(`container ${dirName}: skipped, ${result.reason} (${file})`);
      return undefined;
    }
    if (result.kind === 'repaired') {
      const what = result.problems.map((p) => p.path).join(', ');
      this.d.log?.(`container ${dirName.slice(0, 12)}: repaired its record, dropped values of the wrong type: ${what} (${result.problems[0].message})`);
      this.records.set(result.record.Id, result.record);
      await this.save(result.record).catch(() => undefined);
    }
    return result.record;
  }

  private async reconcile(r: ContainerRecord): Promise<void> {
    try {
      const session = await connectMonitor(this.paths(r.Id).dir, { stdin: true, stdout: false, stderr: false });
      this.watch(r, session);
      await this.repairNetworkRecord(r);
      // Paused or not is the freezer's word (a pause may have landed after the record was written).
      const frozen = isRunning(r) ? cgroupDriver(this.cgroupParent).frozen(r.Id) : undefined;
      if (frozen !== undefined) r.State.Status = frozen ? 'paused' : 'running';
      if (isRunning(r)) this.health.start(r, true);
      else if (r.State.Status === 'created') {
        void session.waitStarted().then((st) => {
          r.State = { ...r.State, Status: 'running', Pid: st.pid, StartedAt: st.startedAt, Error: '', ExitCode: 0 };
          this.health.start(r);
          return this.save(r);
        }, () => undefined);
      }
    } catch {
      const exitFile = this.paths(r.Id).exitFile;
      let rec: ExitRecord | undefined;
      rec = readExitRecord(exitFile);
      if (!rec) {
        await releaseOrphanedTask(this.d.runtime, r.Id, this.paths(r.Id), startLog);
        startLog(`container ${r.Id.slice(0, 12)}: its monitor is gone without an exit record; recorded as exited (255)`);
      }
      await this.onExit(r, rec ?? { exitCode: 255, oomKilled: false, finishedAt: new Date().toISOString(), error: 'the container monitor disappeared' });
    }
  }

  /**
   * A start replies before its record is saved: a daemon killed in between leaves a running container
   * whose record has no address. networks.json, written before the start, has it.
   */
  private async repairNetworkRecord(r: ContainerRecord): Promise<void> {
    const att = this.d.networks.recordedAttachment(r.Id);
    if (!att) return;
    const stale = Object.entries(att.endpoints).some(([name, ep]) => r.Networks[name]?.IPAddress !== ep.IPAddress);
    if (!stale) return;
    // The addresses come from networks.json; what the user asked for (aliases, links, IPAM) stays the record's.
    for (const [name, ep] of Object.entries(att.endpoints)) {
      const asked = r.Networks[name];
      r.Networks[name] = asked ? { ...asked, IPAddress: ep.IPAddress, IPPrefixLen: ep.IPPrefixLen, Gateway: ep.Gateway, MacAddress: ep.MacAddress, NetworkID: ep.NetworkID } : ep;
    }
    r.Ports = att.ports;
    startLog(`container ${r.Id.slice(0, 12)}: network settings restored from networks.json (${Object.values(att.endpoints).map((e) => e.IPAddress).filter(Boolean).join(', ')})`);
    await this.save(r);
  }

  get(idOrName: string): ContainerRecord {
    const byName = idOrName.startsWith('/') ? idOrName : `/${idOrName}`;
    const exact = this.records.get(idOrName);
    if (exact) return exact;
    const named = this.byName.get(byName);
    const r = named ? this.records.get(named) : undefined;
    if (r) return r;
    const matches = [...this.records.values()].filter((r) => idOrName.length >= 1 && r.Id.startsWith(idOrName));
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) throw new InvalidError(`multiple containers found with provided prefix: ${idOrName}`);
    throw new NotFoundError(`No such container: ${idOrName}`);
  }

  all(): ContainerRecord[] { return [...this.records.values()]; }

  usingImage(imageId: string): ContainerRecord[] { return this.all().filter((r) => r.Image === imageId); }
  usingVolume(name: string): string[] { return this.all().filter((r) => r.Mounts.some((m) => m.Type === 'volume' && m.Name === name)).map((r) => r.Id); }

  inspect(idOrName: string): Record<string, unknown> {
    const r = this.get(idOrName);
    return inspectView(r, this.paths(r.Id).log);
  }

  summary(r: ContainerRecord): Record<string, unknown> {
    return summaryView(r, this.d.images.display(r.Image, r.ImageName));
  }

  async create(req: CreateRequest, name?: string): Promise<{ Id: string; Warnings: string[] }> {
    if (!req.Image) throw new InvalidError('No image specified: the create request needs "Image"');
    checkCreateRequest(req);
    const id = randomBytes(32).toString('hex');
    const fullName = name ? checkedName(name) : generatedName((n) => this.byName.has(n));
    this.reserveName(fullName, id);
    try {
      return await this.createReserved(req, id, fullName);
    } catch (err) {
      this.records.delete(id);
      this.byName.delete(fullName);
      // Half a folder (a full disk mid-create) is not a container: nothing would list or remove it.
      await rm(this.paths(id).dir, { recursive: true, force: true }).catch(() => undefined);
      throw asDiskFull(err, `creating container ${fullName.slice(1)}`);
    }
  }

  /** Names in use (with the slash) -> container ID; a create holds its name from the start. */
  private readonly byName = new Map<string, string>();

  private reserveName(name: string, id: string): void {
    const holder = this.byName.get(name);
    if (holder && holder !== id) throw new ConflictError(`Conflict. The container name "${name}" is already in use by container "${holder}". You have to remove (or rename) that container to be able to reuse that name.`);
    this.byName.set(name, id);
  }

  private async createReserved(req: CreateRequest, id: string, fullName: string): Promise<{ Id: string; Warnings: string[] }> {
    // Checked before anything is made: a host where the container could not reach its files is a 400.
    if (wantsOwnUserns(req.HostConfig ?? {}, this.d.userns.default) && !this.d.userns.unsupported) await openEngineRootForUserns(this.d.root);
    const r = await newContainerRecord(req, id, fullName, this.d.images.resolve(req.Image!), this.d);
    const p = this.paths(id);
    // Allocated and recorded in one synchronous step, so concurrent creates never share a range.
    if (wantsOwnUserns(r.HostConfig, this.d.userns.default)) r.IdMap = allocateIdMap(this.d.idPool, this.idMaps());
    this.records.set(id, r);
    await createLayout(p);
    await containerFolder(p.dir, r.IdMap);
    if (r.IdMap) await this.ownedByContainerRoot(r, r.IdMap);
    await this.save(r);
    this.d.publish('create', id, this.attrs(r));
    return { Id: id, Warnings: rootlessMode() ? rootlessLimitWarnings(req.HostConfig) : [] };
  }

  /** The bind mount holding a container's user namespace (runtime/userns/namespace-files.ts). */
  private usernsFile(id: string): string { return join(this.d.root, 'run', 'userns', id); }

  /** The ranges containers hold: freed when a record goes. */
  private idMaps(): IdMap[] {
    return this.all().flatMap((r) => (r.IdMap ? [r.IdMap] : []));
  }

  private async ownedByContainerRoot(r: ContainerRecord, map: IdMap): Promise<void> {
    await giveToContainerRoot([this.paths(r.Id).upper], map);
    for (const m of r.Mounts) if (m.Type === 'volume') await adoptFreshVolume(m.Source, map);
  }

  private attrs(r: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
    return { image: r.ImageName, name: r.Name.slice(1), ...(r.Config.Labels ?? {}), ...extra };
  }

  async start(idOrName: string): Promise<void> {
    const r = this.get(idOrName);
    if (r.State.Status === 'running') throw new NotModifiedError();
    assertState(r, 'start', ['created', 'exited', 'restarting']);
    const l = this.liveOf(r.Id);
    clearTimeout(l.restartTimer);
    r.ManuallyStopped = false;
    try {
      await this.launch(r);
    } catch (err) {
      // `docker run --rm` waits for condition=removed after a failed start: remove it, as dockerd does.
      if (r.HostConfig.AutoRemove) await this.remove(r.Id, { force: true, volumes: true }).catch(() => undefined);
      throw err;
    }
  }

  private async launch(r: ContainerRecord): Promise<void> {
    const p = this.paths(r.Id);
    const image = this.d.images.resolve(r.Image);
    const hc = r.HostConfig;
    const ports = portMappings(hc, Object.keys(r.Config.ExposedPorts ?? {}).concat(Object.keys(image.config.ExposedPorts ?? {})));
    const userns = r.IdMap ? this.usernsFile(r.Id) : undefined;
    if (userns) {
      for (const m of r.Mounts) if (m.Type === 'volume') await assertVolumeReachable(m.Source, r.IdMap!);
      await ensureUserns(userns, r.IdMap!);
    }
    const requests = Object.entries(r.Networks).map(([network, e]) => ({ network, ipv4: e.IPAMConfig?.IPv4Address }));
    const att = await this.d.networks.attachAll(r.Id, requests, ports, userns ? (path) => makeNetnsIn(userns, path) : undefined);
    try {
      r.Networks = startedEndpoints(r, att.endpoints, (n) => this.d.networks.find(n));
      r.Ports = att.ports;
      const spec = await launchSpec(r, p, image, att, { peers: this.peers(r), initBinary: this.d.initBinary, cgroupParent: this.cgroupParent, hostCapabilities: this.d.hostCapabilities, security: this.d.security, userns });
      await writeBundle(p, spec);
      if (r.IdMap) {
        await giveToContainerRoot([p.hosts, p.resolvConf, p.hostname], r.IdMap);
        await mountIdmappedRootfs(p, image.layerDirs, userns!);
      } else if (daemonMountsRootfs()) await mountRootfs(p, image.layerDirs);
      const session = await this.d.pool.launch({
        id: r.Id, containerDir: p.dir, bundleDir: p.bundle, runtime: this.d.runtime.binary, tty: Boolean(r.Config.Tty),
        openStdin: Boolean(r.Config.OpenStdin), stdinOnce: Boolean(r.Config.StdinOnce), consoleSize: hc.ConsoleSize,
        log: { path: p.log, ...logLimits(hc.LogConfig) },
        memoryCgroup: cgroupDriver(this.cgroupParent).memoryDir(r.Id), cgroupsPath: spec.linux.cgroupsPath,
        unmountAtExit: daemonMountsRootfs() || r.IdMap ? p.rootfs : undefined,
      }, { handovers: () => this.handovers(r), relay: () => this.relayWanted(r.Id) });
      this.watch(r, session);
      for (const a of this.liveOf(r.Id).attachers) { a.relayInput?.(); delete a.relayInput; delete a.takeover; }
      let started;
      try {
        started = await session.waitStarted();
      } catch (err) {
        const msg = (err as Error).message;
        r.State = { ...r.State, Status: r.State.Status === 'created' ? 'created' : 'exited', Error: msg, ExitCode: /not found|no such file/.test(msg) ? 127 : /permission denied/.test(msg) ? 126 : 128 };
        await this.d.networks.detach(r.Id);
        await this.save(r);
        throw new InvalidError(`failed to create task for container: OCI runtime create failed: ${msg}: unknown`);
      }
      r.State = { ...r.State, Status: 'running', Pid: started.pid, StartedAt: started.startedAt, Error: '', ExitCode: 0, OOMKilled: false, FinishedAt: r.State.FinishedAt };
      this.health.start(r);
      // Not awaited: the reply should not wait for the disk (reconcile finds a started container
      // through its monitor even if this write never lands).
      void this.save(r).catch((err: unknown) => process.stderr.write(`berthd: saving container ${r.Id.slice(0, 12)}: ${(err as Error).message}\n`));
      this.d.publish('start', r.Id, this.attrs(r));
    } catch (err) {
      if (r.State.Status !== 'running') {
        await this.d.networks.detach(r.Id).catch(() => undefined);
        if (daemonMountsRootfs()) await unmountIfMounted(p.rootfs).catch(() => undefined);
      }
      throw err;
    }
  }

  /** The output the daemon's monitor connection must carry: what its relayed attachers want. */
  private relayWanted(id: string): { stdout: boolean; stderr: boolean } {
    const a = [...this.liveOf(id).attachers];
    return { stdout: a.some((x) => x.opts.stdout), stderr: a.some((x) => x.opts.stderr) };
  }

  private updateRelay(id: string): void {
    this.liveOf(id).session?.control({ op: 'output', ...this.relayWanted(id) });
  }

  /** Attached clients whose connections can go to the monitor; they leave the daemon's list. */
  private handovers(r: ContainerRecord): Handover[] {
    const l = this.liveOf(r.Id);
    const out: Handover[] = [];
    for (const a of [...l.attachers]) {
      const t = a.takeover?.();
      if (!t) continue;
      out.push({ ...t, stdin: a.opts.stdin, stdout: a.opts.stdout, stderr: a.opts.stderr, tty: Boolean(r.Config.Tty) });
      l.attachers.delete(a);
    }
    return out;
  }

  /**
   * /etc/hosts lines besides localhost and the hostname's line: the container's own addresses (other
   * interfaces by hostname, as Docker writes them; on user-defined networks also by its name and
   * aliases), then every running container it shares a user-defined network with, by name, short
   * ID, that network's aliases and the links it declared. The names a peer has on a network map to
   * its address on that network.
   */
  private peers(r: ContainerRecord): [string, string[]][] {
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
        const other = this.records.get(m.containerId);
        if (!other || other.Id === r.Id) continue;
        const names = [other.Name.slice(1), other.Id.slice(0, 12), ...(other.Networks[network]?.Aliases ?? []), ...linkAliases(r.Networks[network]?.Links, other.Name)];
        out.push([m.ip, [...new Set(names)]]);
      }
    }
    return out;
  }

  /** Rewrites of a container's /etc/hosts in flight: one at a time, so an older one never lands last. */
  private readonly hostsWrites = new Map<string, Promise<void>>();

  /** A running container's /etc/hosts, rewritten in place (same inode, so the bind mount sees it). */
  private rewriteHosts(r: ContainerRecord): Promise<void> {
    const next = (this.hostsWrites.get(r.Id) ?? Promise.resolve()).then(async () => {
      // The lines are made when the write's turn comes: from the state of that moment.
      if (!isRunning(r) || !this.d.networks.interfaces(r.Id).length) return;
      const primary = this.d.networks.interfaces(r.Id)[0]?.ip;
      await writeFile(this.paths(r.Id).hosts, hostsFile(r.Config.Hostname!, primary, r.HostConfig.ExtraHosts ?? [], this.peers(r)));
    }).catch(() => undefined);
    this.hostsWrites.set(r.Id, next);
    void next.then(() => { if (this.hostsWrites.get(r.Id) === next) this.hostsWrites.delete(r.Id); });
    return next;
  }

  /** Rewrites /etc/hosts of the running containers on `r`'s user networks (or on `networks`). */
  private async refreshPeers(r: ContainerRecord, networks: string[] = Object.keys(r.Networks)): Promise<void> {
    const done = new Set<string>([r.Id]);
    for (const net of networks) {
      if (PREDEFINED.includes(net)) continue;
      for (const m of this.d.networks.members(net)) {
        const other = this.records.get(m.containerId);
        if (!other || done.has(other.Id)) continue;
        done.add(other.Id);
        await this.rewriteHosts(other);
      }
    }
  }

  /**
   * POST /networks/{id}/connect. A created or stopped container records the endpoint (it joins at
   * start); a running one gets a new interface at once, and it and its new peers learn each other's
   * names. Docker's rules and messages: host and none stand alone, aliases and addresses only on
   * user-defined networks, a running container's second endpoint on a network is refused (403).
   */
  async connectNetwork(idOrName: string, network: string, settings: EndpointSettings | null | undefined): Promise<void> {
    const r = this.get(idOrName);
    const net = this.d.networks.get(network);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError(`container ${r.Id} is marked for removal and cannot be connected or disconnected to the network`);
    const current = Object.keys(r.Networks).map((n) => this.d.networks.find(n)).filter((n): n is NonNullable<typeof n> => Boolean(n));
    checkJoin(net, current, this.d.networks.find(r.HostConfig.NetworkMode || 'default')?.Driver === 'host');
    checkEndpointSettings(net, settings);
    const rec = endpointRecord(net, r.Id, settings);
    if (!isRunning(r)) {
      // Docker keeps the first settings when a stopped container is connected twice.
      if (!r.Networks[net.Name]) r.Networks[net.Name] = rec;
      await this.save(r);
      return;
    }
    if (this.d.networks.interfaces(r.Id).some((i) => i.network === net.Name)) throw new ForbiddenError(`endpoint with name ${r.Name.slice(1)} already exists in network ${net.Name}`);
    const addr = await this.d.networks.connect(r.Id, { network: net.Name, ipv4: rec.IPAMConfig?.IPv4Address });
    r.Networks[net.Name] = { ...rec, ...addr, Aliases: rec.Aliases };
    await this.save(r);
    await this.rewriteHosts(r);
    await this.refreshPeers(r, [net.Name]);
  }

  /** POST /networks/{id}/disconnect: the endpoint goes from the record, and a running container loses its interface. */
  async disconnectNetwork(idOrName: string, network: string, force = false): Promise<void> {
    const r = this.get(idOrName);
    // With force, a network removed since (the record of a stopped container still names it) can go
    // from the record, so the container starts again: what Docker's --force is for.
    if (force && !this.d.networks.find(network) && r.Networks[network] && !isRunning(r)) {
      delete r.Networks[network];
      await this.save(r);
      return;
    }
    const net = this.d.networks.get(network);
    if (net.Driver === 'host' && (r.HostConfig.NetworkMode === 'host')) throw new InvalidError('container cannot be disconnected from host network or connected to host network');
    const running = isRunning(r);
    if (!r.Networks[net.Name]) throw new InvalidError(running ? `container ${r.Id} is not connected to network ${net.Name}` : `container ${r.Id} is not connected to the network ${net.Name}`);
    if (r.State.Status === 'removing' || r.State.Status === 'dead') throw new ConflictError(`container ${r.Id} is marked for removal and cannot be connected or disconnected to the network`);
    delete r.Networks[net.Name];
    if (running) await this.d.networks.disconnect(r.Id, net.Name);
    await this.save(r);
    if (running) {
      await this.rewriteHosts(r);
      await this.refreshPeers(r, [net.Name]);
    }
  }

  private watch(r: ContainerRecord, session: MonitorSession): void {
    const l = this.liveOf(r.Id);
    l.session = session;
    // A slow attached client slows the monitor's socket (and so the container), as Docker's attach does.
    const relay = (stream: 'stdout' | 'stderr', d: Buffer): void => {
      const waits: Promise<void>[] = [];
      for (const a of l.attachers) {
        if (!a.opts[stream]) continue;
        if (a.onData(stream, d) === false && a.drained) waits.push(a.drained());
      }
      if (waits.length) {
        session.socket.pause();
        void Promise.all(waits).then(() => session.socket.resume());
      }
    };
    session.on('stdout', (d: Buffer) => relay('stdout', d));
    session.on('stderr', (d: Buffer) => relay('stderr', d));
    for (const b of l.pendingStdin.splice(0)) session.writeStdin(b);
    if (l.stdinEnded) session.endStdin();
    session.on('started', () => void this.refreshPeers(r));
    session.on('close', (rec?: ExitRecord) => {
      if (l.session === session) l.session = undefined;
      if (rec && session.started) void this.onExit(r, rec);
      else if (!rec && isRunning(r)) void this.reconcile(r);
    });
  }

  private async onExit(r: ContainerRecord, rec: ExitRecord): Promise<void> {
    const l = this.liveOf(r.Id);
    this.health.stop(r.Id);
    for (const a of l.attachers) a.onEnd();
    l.attachers.clear();
    l.stdinEnded = false;
    r.State = { ...r.State, Status: 'exited', Pid: 0, ExitCode: rec.exitCode, OOMKilled: rec.oomKilled, FinishedAt: rec.finishedAt, Error: '' };
    await this.d.networks.detach(r.Id).catch(() => undefined);
    await this.refreshPeers(r);
    if (rec.oomKilled) this.d.publish('oom', r.Id, this.attrs(r));
    this.d.publish('die', r.Id, this.attrs(r, { exitCode: String(rec.exitCode) }));
    const restart = this.shouldRestart(r);
    if (restart) r.State.Status = 'restarting';
    // An auto-removed container's record is about to go: no point writing it.
    if (restart || !r.HostConfig.AutoRemove) await this.save(r).catch(() => undefined);
    for (const w of l.exitWaiters.splice(0)) w();
    const code = { StatusCode: rec.exitCode, Error: null };
    l.waiters = l.waiters.filter((w) => { if (w.condition === 'removed') return true; w.resolve(code); return false; });
    if (restart) {
      // Docker's backoff: 100 ms doubling per restart, capped at a minute; reset after 10 s of running.
      const ranMs = Date.parse(rec.finishedAt) - Date.parse(r.State.StartedAt);
      if (ranMs > 10_000) r.RestartCount = 0;
      const delay = Math.min(100 * 2 ** r.RestartCount, 60_000);
      r.RestartCount++;
      l.restartTimer = setTimeout(() => {
        if (r.State.Status !== 'restarting') return;
        this.launch(r).then(() => this.d.publish('restart', r.Id, this.attrs(r)), () => { r.State.Status = 'exited'; void this.save(r); });
      }, delay);
    } else if (r.HostConfig.AutoRemove) {
      await this.remove(r.Id, { force: true, volumes: true }).catch(() => undefined);
    }
  }

  private shouldRestart(r: ContainerRecord): boolean {
    const p = r.HostConfig.RestartPolicy ?? {};
    if (r.ManuallyStopped) return false;
    switch (p.Name) {
      case 'always': case 'unless-stopped': return true;
      case 'on-failure': return r.State.ExitCode !== 0 && (!p.MaximumRetryCount || r.RestartCount < p.MaximumRetryCount);
      default: return false;
    }
  }

  private exited(r: ContainerRecord): Promise<void> {
    if (!isRunning(r)) return Promise.resolve();
    return new Promise((resolve) => this.liveOf(r.Id).exitWaiters.push(resolve));
  }

  async kill(idOrName: string, signal = 'KILL'): Promise<void> {
    const r = this.get(idOrName);
    if (!isRunning(r)) throw new ConflictError(`Cannot kill container: ${idOrName}: Container ${r.Id} is not running`);
    const sig = normalizeSignal(signal);
    r.ManuallyStopped = true;
    await this.d.runtime.kill(r.Id, sig);
    this.d.publish('kill', r.Id, this.attrs(r, { signal: sig.replace(/^SIG/, '') }));
  }

  async stop(idOrName: string, timeoutSec?: number): Promise<void> {
    const r = this.get(idOrName);
    const l = this.liveOf(r.Id);
    if (r.State.Status === 'restarting') { clearTimeout(l.restartTimer); r.State.Status = 'exited'; r.ManuallyStopped = true; await this.save(r); return; }
    if (!isRunning(r)) throw new NotModifiedError();
    r.ManuallyStopped = true;
    const t = timeoutSec ?? r.Config.StopTimeout ?? 10;
    const done = this.exited(r);
    const sig = stopSignal(r);
    await this.d.runtime.kill(r.Id, sig).catch(() => undefined);
    this.d.publish('kill', r.Id, this.attrs(r, { signal: sig.replace(/^SIG/, '') }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = t < 0 ? new Promise<boolean>(() => undefined) : new Promise<boolean>((res) => { timer = setTimeout(() => res(true), t * 1000); });
    if (await Promise.race([done.then(() => false), timedOut])) {
      await this.d.runtime.kill(r.Id, 'SIGKILL', true).catch(() => undefined);
      await done;
    }
    clearTimeout(timer);
    this.d.publish('stop', r.Id, this.attrs(r));
  }

  async restart(idOrName: string, timeoutSec?: number): Promise<void> {
    const r = this.get(idOrName);
    if (isRunning(r)) await this.stop(r.Id, timeoutSec);
    await this.start(r.Id);
    this.d.publish('restart', r.Id, this.attrs(r));
  }

  /** `docker update`: new limits (applied at once to a running container) and restart policy. */
  async update(idOrName: string, u: UpdateRequest): Promise<{ Warnings: string[] }> {
    const r = this.get(idOrName);
    const next = updatedHostConfig(r.Id, r.HostConfig, u);
    const rootless = rootlessMode();
    if (isRunning(r) && changesLimits(u) && !rootless) {
      await this.d.runtime.update(r.Id, ociResources(next), join(this.paths(r.Id).dir, 'update-resources.json'));
    }
    r.HostConfig = next;
    await this.save(r);
    this.d.publish('update', r.Id, this.attrs(r));
    return { Warnings: rootless ? rootlessLimitWarnings(u) : [] };
  }

  async pause(idOrName: string): Promise<void> {
    const r = this.get(idOrName);
    assertState(r, 'pause', ['running']);
    await this.d.runtime.pause(r.Id);
    r.State.Status = 'paused';
    await this.save(r);
    this.d.publish('pause', r.Id, this.attrs(r));
  }

  async unpause(idOrName: string): Promise<void> {
    const r = this.get(idOrName);
    assertState(r, 'unpause', ['paused']);
    await this.d.runtime.resume(r.Id);
    r.State.Status = 'running';
    await this.save(r);
    this.d.publish('unpause', r.Id, this.attrs(r));
  }

  /** Resolves with the exit status when `condition` holds; the route flushes headers before calling. */
  wait(idOrName: string, condition = 'not-running'): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const r = this.get(idOrName);
    if (!['not-running', 'next-exit', 'removed', ''].includes(condition)) throw new InvalidError(`invalid condition: "${condition}"`);
    if ((condition === 'not-running' || condition === '') && !isRunning(r) && r.State.Status !== 'restarting') return Promise.resolve({ StatusCode: r.State.ExitCode, Error: null });
    return new Promise((resolve) => this.liveOf(r.Id).waiters.push({ condition, resolve }));
  }

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const r = this.get(idOrName);
    const l = this.liveOf(r.Id);
    if (isRunning(r)) {
      if (!opts.force) throw new ConflictError(`cannot remove container "${r.Name}": container is running: stop the container before removing or force remove`);
      r.ManuallyStopped = true;
      const done = this.exited(r);
      await this.d.runtime.kill(r.Id, 'SIGKILL', true).catch(() => undefined);
      await done;
    }
    if (r.State.Status === 'removing') return;
    clearTimeout(l.restartTimer);
    r.State.Status = 'removing';
    this.records.delete(r.Id);
    if (this.byName.get(r.Name) === r.Id) this.byName.delete(r.Name);
    await this.d.networks.detach(r.Id).catch(() => undefined);
    // A root left mounted (a monitor killed before it could unmount) must not go into the trash: the
    // recursive delete would walk through it.
    if (daemonMountsRootfs() || r.IdMap) await unmountIfMounted(this.paths(r.Id).rootfs).catch(() => undefined);
    // So must a cp or export view still mounted in its folder (a request in flight, or one a killed daemon left).
    for (const m of mountPointsUnder(this.paths(r.Id).dir)) await unmount(m).catch(() => undefined);
    if (r.IdMap) await releaseUserns(this.usernsFile(r.Id)).catch(() => undefined);
    // One rename makes the removal final (the temp space is emptied on every start); the files
    // go in the background, off the path of `docker run --rm`.
    const trash = join(this.d.root, 'tmp', `removed-container-${r.Id}`);
    await rename(this.paths(r.Id).dir, trash).catch(() => rm(this.paths(r.Id).dir, { recursive: true, force: true }));
    void rm(trash, { recursive: true, force: true }).catch(() => undefined);
    if (opts.volumes) for (const m of r.Mounts) if (m.Anonymous && m.Name) await this.d.volumes.remove(m.Name, true).catch(() => undefined);
    this.d.publish('destroy', r.Id, this.attrs(r));
    for (const w of l.waiters.splice(0)) w.resolve({ StatusCode: r.State.ExitCode, Error: null });
    this.live.delete(r.Id);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const r = this.get(idOrName);
    const full = checkedName(newName);
    this.reserveName(full, r.Id);
    const old = r.Name;
    if (old !== full) this.byName.delete(old);
    r.Name = full;
    for (const e of Object.values(r.Networks)) e.Aliases = e.Aliases.map((a) => (a === old.slice(1) ? full.slice(1) : a));
    await this.save(r);
    this.d.publish('rename', r.Id, this.attrs(r, { oldName: old }));
  }

  /** Removes stopped containers that `keep` does not hold back (prune filters). */
  async prune(matches: (r: ContainerRecord) => boolean = () => true): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const r of this.all()) {
      if (!['exited', 'created', 'dead'].includes(r.State.Status) || !matches(r)) continue;
      space += await dirSize(this.paths(r.Id).upper);
      await this.remove(r.Id);
      deleted.push(r.Id);
    }
    this.d.publish('prune', '', { reclaimed: String(space) });
    return { ContainersDeleted: deleted, SpaceReclaimed: space };
  }

  /** Registers an attached client; output flows from the monitor. Returns stdin writer and detach. */
  attach(idOrName: string, a: Attacher): { write: (b: Buffer) => void; endStdin: () => void; detach: () => void } {
    const r = this.get(idOrName);
    const l = this.liveOf(r.Id);
    l.attachers.add(a);
    this.updateRelay(r.Id);
    this.d.publish('attach', r.Id, this.attrs(r));
    return {
      write: (b) => { if (!a.opts.stdin) return; if (l.session) l.session.writeStdin(b); else l.pendingStdin.push(b); },
      endStdin: () => { if (!a.opts.stdin) return; if (l.session) l.session.endStdin(); else l.stdinEnded = true; },
      detach: () => { if (l.attachers.delete(a)) this.updateRelay(r.Id); },
    };
  }

  resize(idOrName: string, h: number, w: number): void {
    const r = this.get(idOrName);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    this.liveOf(r.Id).session?.control({ op: 'resize', h, w });
  }

  /** Writes the log to `sink`; with follow until the container stops or `gone` (the client left) resolves. */
  async logs(idOrName: string, q: LogQuery, sink: LogSink, gone?: Promise<void>): Promise<void> {
    const r = this.get(idOrName);
    const { maxFile } = logLimits(r.HostConfig.LogConfig);
    const running = isRunning(r) || r.State.Status === 'restarting';
    const stopped = q.follow && running ? Promise.race([this.exited(r), ...(gone ? [gone] : [])]) : Promise.resolve();
    await new LogReader(this.paths(r.Id).log, maxFile).read(q, sink, stopped);
  }

  async top(idOrName: string, psArgs = '-ef'): Promise<{ Titles: string[]; Processes: string[][] }> {
    const r = this.get(idOrName);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    return processTable(await this.d.runtime.pids(r.Id), psArgs);
  }

  /** One stats sample; `pre` carries the previous sample's CPU counters for the CLI's CPU %. */
  async stats(idOrName: string, pre?: StatsSample): Promise<StatsSample> {
    const r = this.get(idOrName);
    if (!isRunning(r)) return stoppedStats(r.Id, r.Name);
    const sample = await sampleStats({ id: r.Id, name: r.Name, pid: r.State.Pid, cgroup: cgroupDriver(this.cgroupParent) }, pre ? { cpu: pre.cpu_stats, read: pre.read } : undefined);
    // Rootless without a delegated cgroup: nothing to read, so the figures come from the container's processes.
    return !cgroupLimitsApply(rootlessMode() !== undefined) ? withProcessCounters(sample, await this.d.runtime.pids(r.Id).catch(() => [])) : sample;
  }

  /** Resolves when the container stops running (at once if it is not running). */
  whenStopped(idOrName: string): Promise<void> { return this.exited(this.get(idOrName)); }

  /** Hangs up on monitors (they keep running) and stops restart timers. */
  close(): void {
    this.health.stopAll();
    for (const l of this.live.values()) { clearTimeout(l.restartTimer); l.session?.close(); }
  }
}

/** fuse-overlayfs or crun: the container's root on its bundle's rootfs, mounted afresh (a stale mount goes first). */
async function mountRootfs(p: ContainerPaths, layerDirs: string[]): Promise<void> {
  await unmountIfMounted(p.rootfs);
  await mountOverlay({ lower: [...layerDirs].reverse(), upper: p.upper, work: p.work }, p.rootfs);
}

/** The container's stop signal; SIGTERM when none is set or a record from before validation has a bad one. */
function stopSignal(r: ContainerRecord): string {
  try {
    return normalizeSignal(r.Config.StopSignal || 'SIGTERM');
  } catch {
    return 'SIGTERM';
  }
}

/** A container in its own user namespace: its root with idmapped image layers (a stale mount goes first). */
async function mountIdmappedRootfs(p: ContainerPaths, layerDirs: string[], userns: string): Promise<void> {
  await unmountIfMounted(p.rootfs);
  if (!layerDirs.length) throw new InvalidError('the image has no layers to run');
  await mountIdmappedOverlay({ userns, lower: [...layerDirs].reverse(), upper: p.upper, work: p.work }, p.rootfs);
}
