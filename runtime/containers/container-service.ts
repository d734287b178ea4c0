// Container lifecycle: create, start (through a monitor), stop/kill/restart, wait, remove, attach,
// restart policies, reconcile after a daemon restart. Errors are errdefs kinds; events go to `publish`.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { LatestWriter } from '../fs/atomic-write.js';
import { dirSize } from '../fs/dir-size.js';
import { asDiskFull, ConflictError, InvalidError, NotFoundError, NotModifiedError } from '../errdefs.js';
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
import { HealthChecks, type Probe } from './health.js';
import { launchSpec } from './launch-spec.js';
import { checkedName, generatedName } from './names.js';
import { newContainerRecord } from './new-record.js';
import { assertState, inspectView, isRunning, summaryView, type ContainerRecord } from './record.js';
import type { RootfsLayout } from './rootfs-access.js';
import { normalizeSignal } from './signals.js';
import { sampleStats, stoppedStats, type StatsSample } from './stats.js';
import { processTable } from './top.js';
import { rootlessMode } from '../rootless/mode.js';
import { rootlessLimitWarnings } from '../rootless/rootless-spec.js';
import { startLog } from '../daemon/start-recovery.js';
import { withProcessCounters } from '../rootless/process-stats.js';
import type { SecurityContext } from '../security/container-security.js';

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
  /** Seccomp default and what the host can enforce: checked at create, applied at start. */
  security: SecurityContext;
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
    return {
      record: r,
      layout: {
        upper: p.upper, work: p.work, layerDirs: this.d.images.resolve(r.Image).layerDirs, scratch: p.dir,
        mounts: [
          ...r.Mounts.filter((m) => m.Type !== 'tmpfs').map((m) => ({ destination: m.Destination, source: m.Source })),
          { destination: '/etc/hostname', source: p.hostname }, { destination: '/etc/hosts', source: p.hosts }, { destination: '/etc/resolv.conf', source: p.resolvConf },
        ],
        pid: r.State.Status === 'running' || r.State.Status === 'paused' ? r.State.Pid : 0,
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
      let r: ContainerRecord;
      try { r = JSON.parse(await readFile(join(this.dir, id, 'config.v2.json'), 'utf8')) as ContainerRecord; } catch (err) {
        startLog(`container ${id.slice(0, 12)} is not listed: its record cannot be read (${(err as Error).message})`);
        continue;
      }
      this.records.set(r.Id, r);
      this.byName.set(r.Name, r.Id);
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
    const aliases = [...new Set(Object.values(r.Networks).flatMap((e) => e.Aliases))];
    const att = this.d.networks.recordedAttachment(r.Id, aliases);
    if (!att) return;
    const stale = Object.entries(att.endpoints).some(([name, ep]) => r.Networks[name]?.IPAddress !== ep.IPAddress);
    if (!stale) return;
    r.Networks = att.endpoints;
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
    const r = await newContainerRecord(req, id, fullName, this.d.images.resolve(req.Image!), this.d);
    const p = this.paths(id);
    await createLayout(p);
    this.records.set(id, r);
    await this.save(r);
    this.d.publish('create', id, this.attrs(r));
    return { Id: id, Warnings: rootlessMode() ? rootlessLimitWarnings(req.HostConfig) : [] };
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
    const netMode = hc.NetworkMode || 'default';
    const ports = portMappings(hc, Object.keys(r.Config.ExposedPorts ?? {}).concat(Object.keys(image.config.ExposedPorts ?? {})));
    const aliases = Object.values(r.Networks).flatMap((e) => e.Aliases);
    const att = await this.d.networks.attach(r.Id, netMode, ports, [...new Set([r.Name.slice(1), r.Id.slice(0, 12), ...aliases])]);
    try {
      r.Networks = att.endpoints;
      r.Ports = att.ports;
      const spec = await launchSpec(r, p, image, att, { peers: this.peers(r), initBinary: this.d.initBinary, cgroupParent: this.cgroupParent, hostCapabilities: this.d.hostCapabilities, security: this.d.security });
      await writeBundle(p, spec);
      if (daemonMountsRootfs()) await mountRootfs(p, image.layerDirs);
      const session = await this.d.pool.launch({
        id: r.Id, containerDir: p.dir, bundleDir: p.bundle, runtime: this.d.runtime.binary, tty: Boolean(r.Config.Tty),
        openStdin: Boolean(r.Config.OpenStdin), stdinOnce: Boolean(r.Config.StdinOnce), consoleSize: hc.ConsoleSize,
        log: { path: p.log, ...logLimits(hc.LogConfig) },
        memoryCgroup: `/sys/fs/cgroup/memory/${this.cgroupParent}/${r.Id}`, cgroupsPath: spec.linux.cgroupsPath,
        unmountAtExit: daemonMountsRootfs() ? p.rootfs : undefined,
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

  private peers(r: ContainerRecord): [string, string[]][] {
    const out: [string, string[]][] = [];
    for (const net of Object.keys(r.Networks)) {
      if (['bridge', 'host', 'none'].includes(net)) continue;
      for (const m of this.d.networks.members(net)) {
        const other = this.records.get(m.containerId);
        if (other && other.Id !== r.Id) out.push([m.ip, [other.Name.slice(1), other.Id.slice(0, 12), ...(other.Networks[net]?.Aliases ?? [])]]);
      }
    }
    return out;
  }

  /** Rewrites /etc/hosts of running peers in place (same inode, so the bind mount sees it). */
  private async refreshPeers(r: ContainerRecord): Promise<void> {
    for (const net of Object.keys(r.Networks)) {
      if (['bridge', 'host', 'none'].includes(net)) continue;
      for (const m of this.d.networks.members(net)) {
        const other = this.records.get(m.containerId);
        if (!other || other.Id === r.Id || !isRunning(other)) continue;
        await writeFile(this.paths(other.Id).hosts, hostsFile(other.Config.Hostname!, other.Networks[net]?.IPAddress, other.HostConfig.ExtraHosts ?? [], this.peers(other))).catch(() => undefined);
      }
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
    const sig = normalizeSignal(r.Config.StopSignal || 'SIGTERM');
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
    if (daemonMountsRootfs()) await unmountIfMounted(this.paths(r.Id).rootfs).catch(() => undefined);
    // So must a cp or export view still mounted in its folder (a request in flight, or one a killed daemon left).
    for (const m of mountPointsUnder(this.paths(r.Id).dir)) await unmount(m).catch(() => undefined);
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
    const sample = await sampleStats({ id: r.Id, name: r.Name, pid: r.State.Pid, cgroup: `${this.cgroupParent}/${r.Id}` }, pre ? { cpu: pre.cpu_stats, read: pre.read } : undefined);
    // Rootless: no cgroup to read, so the figures come from the container's processes.
    return rootlessMode() ? withProcessCounters(sample, await this.d.runtime.pids(r.Id).catch(() => [])) : sample;
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
