// Container lifecycle: create, start (through a monitor), stop/kill/restart, wait, remove, restart
// policies, reconcile after a daemon restart. Its parts: the records (record-store.ts), the state
// moves (state-transitions.ts), attached clients (attach-relay.ts), /etc/hosts peers (hosts-peers.ts),
// network connect/disconnect (network-membership.ts).
// Errors are errdefs kinds; events go to `publish`.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { dirSize } from '../fs/dir-size.js';
import { asDiskFull, ConflictError, InvalidError, NotModifiedError } from '../errdefs.js';
import { LogReader, type LogQuery, type LogSink } from '../logs/log-reader.js';
import { unmount } from '../fs/overlay-mount.js';
import { mountPointsUnder } from '../fs/mount-table.js';
import { logLimits } from '../logs/log-options.js';
import { connectMonitor, type MonitorSession, type SparePool } from '../monitor/monitor-client.js';
import type { ExitRecord } from '../monitor/protocol.js';
import { readExitRecord } from '../monitor/exit-file.js';
import type { NetworkService } from '../network/network-service.js';
import { portMappings } from '../network/ports.js';
import { releaseOrphanedTask, recoverContainerFolder } from './container-recovery.js';
import { createLayout, writeBundle, type ContainerPaths } from '../tasks/bundle.js';
import type { OciRuntime } from '../oci/oci-runtime.js';
import type { VolumeService } from '../volumes/volume-service.js';
import type { CreateRequest, ImageRunConfig } from './api-types.js';
import { AttachRelay, type Attacher } from './attach-relay.js';
import { startedEndpoints, type EndpointSettings } from './endpoints.js';
import { NetworkMembership } from './network-membership.js';
import { HealthChecks, type Probe } from './health.js';
import { HostsPeers } from './hosts-peers.js';
import { launchSpec } from './launch-spec.js';
import { checkedName, generatedName } from './names.js';
import { checkCreateRequest } from './create-checks.js';
import { changesLimits, updatedHostConfig, type UpdateRequest } from './container-update.js';
import type { OciSpec } from '../tasks/oci-spec.js';
import { ociResources } from '../tasks/resources.js';
import { newContainerRecord } from './new-record.js';
import { inspectView, isRunning, summaryView, type ContainerRecord } from './record.js';
import { RecordStore } from './record-store.js';
import type { RootfsLayout } from './rootfs-access.js';
import { normalizeSignal } from './signals.js';
import { assertCanMove, canMove, transition } from './state-transitions.js';
import { sampleStats, stoppedStats, type StatsSample } from './stats.js';
import { cgroupDriver, cgroupLimitsApply, type CgroupChoice } from '../cgroups/select.js';
import { processTable } from './top.js';
import type { RootlessMode } from '../rootless/mode.js';
import { rootlessLimitWarnings } from '../rootless/rootless-spec.js';
import type { IdShift, Snapshotter } from '../snapshots/snapshotter.js';
import { startLog } from '../daemon/start-recovery.js';
import { withProcessCounters } from '../rootless/process-stats.js';
import type { SecurityContext } from '../security/container-security.js';
import { allocateIdMap, type IdMap, type IdPool } from '../userns/id-pool.js';
import { ensureUserns, makeNetnsIn, releaseUserns } from '../userns/namespace-files.js';
import { adoptFreshVolume, assertVolumeReachable, containerFolder, giveToContainerRoot, openEngineRootForUserns } from '../userns/ownership.js';
import { wantsOwnUserns, type UsernsSupport } from '../userns/userns-mode.js';

export type { Attacher, AttachOptions } from './attach-relay.js';

export interface ResolvedImage { id: string; name: string; config: ImageRunConfig; layerDirs: string[] }
/** What the container service needs from the image store. Throws NotFoundError for unknown images. */
export interface ImageSource { resolve(ref: string): ResolvedImage; display(imageId: string, fallback: string): string }

export type Publish = (action: string, id: string, attrs: Record<string, string>) => void;

type WaitResult = { StatusCode: number; Error: { Message: string } | null };

/** What waits on a container's lifecycle: `docker wait` callers, exit waiters, the restart timer. */
interface Waits {
  waiters: { condition: string; resolve: (v: WaitResult) => void }[];
  exitWaiters: (() => void)[];
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
  /** The daemon mode's cgroup driver and delegation (daemon/engine-mode.ts). */
  cgroups: CgroupChoice;
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
  /** How roots are made from image layers (runtime/snapshots/). */
  snapshotter: Snapshotter;
  /** Set when the daemon runs rootless: no cgroup limits, no freezer, process counters for stats. */
  rootless?: RootlessMode;
  /** The daemon mode's changes to every spec (rootless), the same the task runner applies. */
  adjustSpec?: (spec: OciSpec) => OciSpec;
}

export class ContainerService {
  private readonly store: RecordStore;
  private readonly relay = new AttachRelay();
  private readonly hosts: HostsPeers;
  private readonly membership: NetworkMembership;
  private readonly waits = new Map<string, Waits>();
  readonly cgroupParent: string;
  private probe: Probe = () => Promise.resolve({ exitCode: -1, output: 'health probes are not wired' });
  private readonly health: HealthChecks;

  constructor(private readonly d: ContainerServiceDeps) {
    this.store = new RecordStore(d.root, d.log);
    this.hosts = new HostsPeers({ networks: d.networks, record: (id) => this.store.byId(id), hostsPath: (id) => this.paths(id).hosts });
    this.membership = new NetworkMembership({ networks: d.networks, hosts: this.hosts, save: (r) => this.save(r) });
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
    return {
      record: r,
      layout: {
        upper: p.upper, work: p.work, layerDirs: this.d.images.resolve(r.Image).layerDirs, scratch: p.dir,
        mounts: [
          ...r.Mounts.filter((m) => m.Type !== 'tmpfs').map((m) => ({ destination: m.Destination, source: m.Source })),
          { destination: '/etc/hostname', source: p.hostname }, { destination: '/etc/hosts', source: p.hosts }, { destination: '/etc/resolv.conf', source: p.resolvConf },
        ],
        pid: r.State.Status === 'running' || r.State.Status === 'paused' ? r.State.Pid : 0,
        idShift: this.idShift(r), snapshotter: this.d.snapshotter,
      },
    };
  }

  /** A container in its own user namespace: how its root shows the image's ids (its nsfs file made if need be). */
  private idShift(r: ContainerRecord): IdShift | undefined {
    const map = r.IdMap;
    if (!map) return undefined;
    return { ...map, userns: async () => { const f = this.usernsFile(r.Id); await ensureUserns(f, map); return f; } };
  }

  private waitsOf(id: string): Waits {
    let w = this.waits.get(id);
    if (!w) { w = { waiters: [], exitWaiters: [] }; this.waits.set(id, w); }
    return w;
  }

  paths(id: string): ContainerPaths { return this.store.paths(id); }

  private save(r: ContainerRecord): Promise<void> { return this.store.save(r); }

  /** Loads records and reconnects to monitors of containers that kept running while we were down. */
  async init(): Promise<void> {
    for (const id of await this.store.folders()) {
      if (!(await recoverContainerFolder(join(this.store.dir, id), startLog))) continue;
      const r = await this.store.load(id);
      if (!r) continue;
      this.store.add(r);
      // A container started just before a crash may still be recorded as created (the start
      // replies before its record is written): a monitor socket says it was started.
      const mayRun = isRunning(r) || r.State.Status === 'restarting' || (r.State.Status === 'created' && existsSync(join(this.paths(r.Id).dir, 'monitor.sock')));
      if (mayRun) await this.reconcile(r);
    }
  }

  private async reconcile(r: ContainerRecord): Promise<void> {
    try {
      const session = await connectMonitor(this.paths(r.Id).dir, { stdin: true, stdout: false, stderr: false });
      this.watch(r, session);
      await this.repairNetworkRecord(r);
      // Paused or not is the freezer's word (a pause may have landed after the record was written).
      const frozen = isRunning(r) ? cgroupDriver(this.cgroupParent, this.d.cgroups).frozen(r.Id) : undefined;
      if (frozen !== undefined) r.State.Status = frozen ? 'paused' : 'running';
      if (isRunning(r)) this.health.start(r, true);
      else if (r.State.Status === 'created') {
        void session.waitStarted().then((st) => {
          if (!canMove(r, 'start')) return undefined;
          transition(r, 'start', { Pid: st.pid, StartedAt: st.startedAt, Error: '', ExitCode: 0 });
          this.health.start(r);
          return this.save(r);
        }, () => undefined);
      }
    } catch {
      const exitFile = this.paths(r.Id).exitFile;
      let rec: ExitRecord | undefined;
      rec = readExitRecord(exitFile);
      if (!rec) {
        await releaseOrphanedTask(this.d.runtime, r.Id, this.paths(r.Id), (t) => this.d.snapshotter.release(t), startLog);
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

  get(idOrName: string): ContainerRecord { return this.store.get(idOrName); }

  all(): ContainerRecord[] { return this.store.all(); }

  usingImage(imageId: string): ContainerRecord[] { return this.store.usingImage(imageId); }
  usingVolume(name: string): string[] { return this.store.usingVolume(name); }

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
    const fullName = name ? checkedName(name) : generatedName((n) => this.store.isNameTaken(n));
    this.store.reserveName(fullName, id);
    try {
      return await this.createReserved(req, id, fullName);
    } catch (err) {
      this.store.delete(id, fullName);
      // Half a folder (a full disk mid-create) is not a container: nothing would list or remove it.
      await rm(this.paths(id).dir, { recursive: true, force: true }).catch(() => undefined);
      throw asDiskFull(err, `creating container ${fullName.slice(1)}`);
    }
  }

  private async createReserved(req: CreateRequest, id: string, fullName: string): Promise<{ Id: string; Warnings: string[] }> {
    // Checked before anything is made: a host where the container could not reach its files is a 400.
    if (wantsOwnUserns(req.HostConfig ?? {}, this.d.userns.default) && !this.d.userns.unsupported) await openEngineRootForUserns(this.d.root);
    const r = await newContainerRecord(req, id, fullName, this.d.images.resolve(req.Image!), this.d);
    const p = this.paths(id);
    // Allocated and recorded in one synchronous step, so concurrent creates never share a range.
    if (wantsOwnUserns(r.HostConfig, this.d.userns.default)) r.IdMap = allocateIdMap(this.d.idPool, this.store.idMaps());
    this.store.add(r);
    await createLayout(p);
    await containerFolder(p.dir, r.IdMap);
    if (r.IdMap) await this.ownedByContainerRoot(r, r.IdMap);
    await this.save(r);
    this.d.publish('create', id, this.attrs(r));
    return { Id: id, Warnings: this.d.rootless ? rootlessLimitWarnings(req.HostConfig, cgroupLimitsApply(this.d.cgroups)) : [] };
  }

  /** The bind mount holding a container's user namespace (runtime/userns/namespace-files.ts). */
  private usernsFile(id: string): string { return join(this.d.root, 'run', 'userns', id); }

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
    assertCanMove(r, 'start');
    clearTimeout(this.waitsOf(r.Id).restartTimer);
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
      r.SandboxKey = att.mode === 'netns' ? att.netnsPath : undefined;
      const root = await this.d.snapshotter.prepare({ layers: [...image.layerDirs].reverse(), upper: p.upper, work: p.work, target: p.rootfs, idShift: this.idShift(r) });
      const spec = await launchSpec(r, p, image, att, {
        peers: this.hosts.peers(r), initBinary: this.d.initBinary, cgroupParent: this.cgroupParent, cgroups: this.d.cgroups, hostCapabilities: this.d.hostCapabilities, security: this.d.security, userns,
        rootMount: root.kind === 'spec-mount' ? root.mount : undefined, adjust: this.d.adjustSpec,
      });
      await writeBundle(p, spec);
      if (r.IdMap) await giveToContainerRoot([p.hosts, p.resolvConf, p.hostname], r.IdMap);
      const session = await this.d.pool.launch({
        id: r.Id, containerDir: p.dir, bundleDir: p.bundle, runtime: this.d.runtime.binary, tty: Boolean(r.Config.Tty),
        openStdin: Boolean(r.Config.OpenStdin), stdinOnce: Boolean(r.Config.StdinOnce), consoleSize: hc.ConsoleSize,
        log: { path: p.log, ...logLimits(hc.LogConfig) },
        memoryCgroup: cgroupDriver(this.cgroupParent, this.d.cgroups).memoryDir(r.Id), cgroupsPath: spec.linux.cgroupsPath,
        unmountAtExit: root.kind === 'mounted' ? p.rootfs : undefined,
      }, { handovers: () => this.relay.handovers(r.Id, Boolean(r.Config.Tty)), relay: () => this.relay.relayWanted(r.Id) });
      this.watch(r, session);
      this.relay.keepRelayed(r.Id);
      let started;
      try {
        started = await session.waitStarted();
      } catch (err) {
        const msg = (err as Error).message;
        transition(r, 'fail-start', { Error: msg, ExitCode: /not found|no such file/.test(msg) ? 127 : /permission denied/.test(msg) ? 126 : 128 });
        await this.d.networks.detach(r.Id);
        await this.save(r);
        throw new InvalidError(`failed to create task for container: OCI runtime create failed: ${msg}: unknown`);
      }
      transition(r, 'start', { Pid: started.pid, StartedAt: started.startedAt, Error: '', ExitCode: 0, OOMKilled: false });
      this.health.start(r);
      // Not awaited: the reply should not wait for the disk (reconcile finds a started container
      // through its monitor even if this write never lands).
      void this.save(r).catch((err: unknown) => process.stderr.write(`berthd: saving container ${r.Id.slice(0, 12)}: ${(err as Error).message}\n`));
      this.d.publish('start', r.Id, this.attrs(r));
    } catch (err) {
      if (r.State.Status !== 'running') {
        await this.d.networks.detach(r.Id).catch(() => undefined);
        await this.d.snapshotter.release(p.rootfs).catch(() => undefined);
      }
      throw err;
    }
  }

  /** POST /networks/{id}/connect (network-membership.ts). */
  connectNetwork(idOrName: string, network: string, settings: EndpointSettings | null | undefined): Promise<void> {
    return this.membership.connect(this.get(idOrName), network, settings);
  }

  /** POST /networks/{id}/disconnect (network-membership.ts). */
  disconnectNetwork(idOrName: string, network: string, force = false): Promise<void> {
    return this.membership.disconnect(this.get(idOrName), network, force);
  }

  private watch(r: ContainerRecord, session: MonitorSession): void {
    this.relay.connect(r.Id, session);
    session.on('started', () => void this.hosts.refresh(r));
    session.on('close', (rec?: ExitRecord) => {
      this.relay.disconnect(r.Id, session);
      if (rec && session.started) void this.onExit(r, rec);
      else if (!rec && isRunning(r)) void this.reconcile(r);
    });
  }

  private async onExit(r: ContainerRecord, rec: ExitRecord): Promise<void> {
    // A record removed meanwhile (a monitor's late report) has no state to change.
    if (!canMove(r, 'exit')) return;
    const l = this.waitsOf(r.Id);
    this.health.stop(r.Id);
    this.relay.ended(r.Id);
    transition(r, 'exit', { Pid: 0, ExitCode: rec.exitCode, OOMKilled: rec.oomKilled, FinishedAt: rec.finishedAt, Error: '' });
    await this.d.networks.detach(r.Id).catch(() => undefined);
    // The monitor unmounted the root itself; what the snapshotter mounted beside it goes now.
    await this.d.snapshotter.release(this.paths(r.Id).rootfs).catch(() => undefined);
    await this.hosts.refresh(r);
    if (rec.oomKilled) this.d.publish('oom', r.Id, this.attrs(r));
    this.d.publish('die', r.Id, this.attrs(r, { exitCode: String(rec.exitCode) }));
    const restart = this.shouldRestart(r);
    if (restart) transition(r, 'wait-restart');
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
        this.launch(r).then(() => this.d.publish('restart', r.Id, this.attrs(r)), () => {
          // A launch that failed before the runtime ran leaves the record waiting: it is down now.
          if (r.State.Status === 'restarting') { transition(r, 'fail-start'); void this.save(r); }
        });
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
    return new Promise((resolve) => this.waitsOf(r.Id).exitWaiters.push(resolve));
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
    if (canMove(r, 'cancel-restart')) {
      clearTimeout(this.waitsOf(r.Id).restartTimer);
      transition(r, 'cancel-restart');
      r.ManuallyStopped = true;
      await this.save(r);
      return;
    }
    if (!isRunning(r)) throw new NotModifiedError();
    r.ManuallyStopped = true;
    const t = timeoutSec ?? r.Config.StopTimeout ?? 10;
    const done = this.exited(r);
    const sig = stopSignal(r);
    await this.d.runtime.signalInit(r.Id, r.State.Pid, sig).catch(() => undefined);
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
    const rootless = this.d.rootless;
    if (isRunning(r) && changesLimits(u) && !rootless) {
      await this.d.runtime.update(r.Id, ociResources(next), join(this.paths(r.Id).dir, 'update-resources.json'));
    }
    r.HostConfig = next;
    await this.save(r);
    this.d.publish('update', r.Id, this.attrs(r));
    return { Warnings: rootless ? rootlessLimitWarnings(u, cgroupLimitsApply(this.d.cgroups)) : [] };
  }

  async pause(idOrName: string): Promise<void> {
    const r = this.get(idOrName);
    assertCanMove(r, 'pause');
    await this.d.runtime.pause(r.Id);
    transition(r, 'pause');
    await this.save(r);
    this.d.publish('pause', r.Id, this.attrs(r));
  }

  async unpause(idOrName: string): Promise<void> {
    const r = this.get(idOrName);
    assertCanMove(r, 'unpause');
    await this.d.runtime.resume(r.Id);
    transition(r, 'unpause');
    await this.save(r);
    this.d.publish('unpause', r.Id, this.attrs(r));
  }

  /** Resolves with the exit status when `condition` holds; the route flushes headers before calling. */
  wait(idOrName: string, condition = 'not-running'): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const r = this.get(idOrName);
    if (!['not-running', 'next-exit', 'removed', ''].includes(condition)) throw new InvalidError(`invalid condition: "${condition}"`);
    if ((condition === 'not-running' || condition === '') && !isRunning(r) && r.State.Status !== 'restarting') return Promise.resolve({ StatusCode: r.State.ExitCode, Error: null });
    return new Promise((resolve) => this.waitsOf(r.Id).waiters.push({ condition, resolve }));
  }

  async remove(idOrName: string, opts: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const r = this.get(idOrName);
    const l = this.waitsOf(r.Id);
    if (isRunning(r)) {
      if (!opts.force) throw new ConflictError(`cannot remove container "${r.Name}": container is running: stop the container before removing or force remove`);
      r.ManuallyStopped = true;
      const done = this.exited(r);
      await this.d.runtime.kill(r.Id, 'SIGKILL', true).catch(() => undefined);
      await done;
    }
    if (r.State.Status === 'removing') return;
    clearTimeout(l.restartTimer);
    transition(r, 'remove');
    this.store.delete(r.Id, r.Name);
    await this.d.networks.detach(r.Id).catch(() => undefined);
    // A root left mounted (a monitor killed before it could unmount) must not go into the trash: the
    // recursive delete would walk through it.
    await this.d.snapshotter.release(this.paths(r.Id).rootfs).catch(() => undefined);
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
    this.waits.delete(r.Id);
    this.relay.forget(r.Id);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const r = this.get(idOrName);
    const full = checkedName(newName);
    const old = r.Name;
    this.store.rename(r, full);
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
    const handle = this.relay.attach(r.Id, a);
    this.d.publish('attach', r.Id, this.attrs(r));
    return handle;
  }

  resize(idOrName: string, h: number, w: number): void {
    const r = this.get(idOrName);
    if (!isRunning(r)) throw new ConflictError(`Container ${r.Id} is not running`);
    this.relay.resize(r.Id, h, w);
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
    const sample = await sampleStats({ id: r.Id, name: r.Name, pid: r.State.Pid, cgroup: cgroupDriver(this.cgroupParent, this.d.cgroups) }, pre ? { cpu: pre.cpu_stats, read: pre.read } : undefined);
    // Rootless without a delegated cgroup: nothing to read, so the figures come from the container's processes.
    return !cgroupLimitsApply(this.d.cgroups) ? withProcessCounters(sample, await this.d.runtime.pids(r.Id).catch(() => [])) : sample;
  }

  /** Resolves when the container stops running (at once if it is not running). */
  whenStopped(idOrName: string): Promise<void> { return this.exited(this.get(idOrName)); }

  /** Hangs up on monitors (they keep running) and stops restart timers. */
  close(): void {
    this.health.stopAll();
    for (const w of this.waits.values()) clearTimeout(w.restartTimer);
    this.relay.close();
  }
}

/** The container's stop signal; SIGTERM when none is set or a record from before validation has a bad one. */
function stopSignal(r: ContainerRecord): string {
  try {
    return normalizeSignal(r.Config.StopSignal || 'SIGTERM');
  } catch {
    return 'SIGTERM';
  }
}
