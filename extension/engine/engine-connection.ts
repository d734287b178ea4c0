// Owns the link to one engine: starts the bundled core when needed, keeps a dockerode client,
// follows /events (debounced into resource-change notices), and reconnects when the engine comes back.
// No VS Code imports: the UI subscribes to its events.
import { EventEmitter } from 'node:events';
import type Dockerode from 'dockerode';
import { BundledEngine, EngineStartError } from './bundled-engine.js';
import type { EngineInfo, EngineStatus } from './engine-status.js';
import { targetAddress, type EngineTarget } from './engine-target.js';
import { forEachLine } from './json-lines.js';
import { pingSocket } from './ping.js';
import { checkBundledPrerequisites, type WayOut } from './preflight.js';
import { productName, type VersionReply } from './product-name.js';

export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

export interface ConnectionOptions {
  target: EngineTarget;
  runtimeScript: string;
  nodePath: string;
  isRoot: boolean;
  log: (line: string) => void;
  /** The window in which events after the first are gathered into one resource-change notice. */
  debounceMs?: number;
}

const RECONNECT_DELAYS_MS = [500, 1000, 2000, 5000, 10000, 30000];

/**
 * Events: `status` (EngineStatus), `resources` (EngineEvent[] since the last notice, coalesced),
 * `event` (each EngineEvent as it arrives).
 */
export class EngineConnection extends EventEmitter {
  private _status: EngineStatus = { state: 'stopped' };
  private docker: Dockerode | undefined;
  private bundled: BundledEngine | undefined;
  private eventStream: NodeJS.ReadableStream | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private pending: EngineEvent[] = [];
  private debounceTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly opts: ConnectionOptions) {
    super();
  }

  get status(): EngineStatus {
    return this._status;
  }

  get client(): Dockerode | undefined {
    return this._status.state === 'running' ? this.docker : undefined;
  }

  get target(): EngineTarget {
    return this.opts.target;
  }

  async connect(): Promise<EngineStatus> {
    clearTimeout(this.reconnectTimer);
    const target = this.opts.target;
    const address = targetAddress(target);
    this.setStatus({ state: 'starting', address });
    try {
      if (target.kind === 'bundled') await this.ensureBundled(target);
      this.docker = await createClient(target);
      const info = await this.readInfo(address);
      await this.followEvents();
      this.reconnectAttempt = 0;
      this.setStatus({ state: 'running', info });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const waysOut = err instanceof PreflightError ? err.waysOut : defaultWaysOut(target);
      this.opts.log(`Engine unreachable: ${reason}`);
      this.setStatus({ state: 'unreachable', address, reason, waysOut });
      if (!(err instanceof PreflightError)) this.scheduleReconnect();
    }
    return this._status;
  }

  /** Re-reads /version and /info; used by the Refresh command. */
  async refresh(): Promise<void> {
    if (this._status.state !== 'running') {
      await this.connect();
      return;
    }
    try {
      this.setStatus({ state: 'running', info: await this.readInfo(targetAddress(this.opts.target)) });
    } catch {
      await this.connect();
    }
  }

  async restartBundled(): Promise<void> {
    await this.bundled?.stop();
    this.closeEvents();
    await this.connect();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.debounceTimer);
    this.closeEvents();
    await this.bundled?.stop();
    this.removeAllListeners();
  }

  private async ensureBundled(target: Extract<EngineTarget, { kind: 'bundled' }>): Promise<void> {
    if (!this.bundled) {
      this.bundled = new BundledEngine({
        runtimeScript: this.opts.runtimeScript,
        socketPath: target.socketPath,
        root: target.root,
        nodePath: this.opts.nodePath,
        log: this.opts.log,
      });
      this.bundled.on('exit', () => {
        if (this.disposed) return;
        this.closeEvents();
        this.setStatus({
          state: 'unreachable',
          address: targetAddress(target),
          reason: 'The bundled engine stopped. Its log is in the "Berth Engine" output.',
          waysOut: defaultWaysOut(target),
        });
        this.scheduleReconnect();
      });
    }
    if (this.bundled.owned) return;
    const problem = checkBundledPrerequisites({ isRoot: this.opts.isRoot, runtimeScript: this.opts.runtimeScript });
    if (problem) {
      // Another engine may still listen on the socket (started by root, say): use it if so.
      if (await pingSocket(target.socketPath)) return;
      throw new PreflightError(problem.message, problem.waysOut);
    }
    try {
      await this.bundled.ensureRunning();
    } catch (err) {
      if (err instanceof EngineStartError) throw err;
      throw new EngineStartError(String(err));
    }
  }

  private async readInfo(address: string): Promise<EngineInfo> {
    const docker = this.docker!;
    const [version, info] = await Promise.all([
      docker.version() as Promise<VersionReply>,
      docker.info() as Promise<Record<string, unknown>>,
    ]);
    const num = (k: string): number => (typeof info[k] === 'number' ? (info[k] as number) : 0);
    return {
      product: productName(version),
      version: version.Version ?? '',
      apiVersion: version.ApiVersion ?? '',
      os: version.Os ?? '',
      arch: version.Arch ?? '',
      address,
      root: typeof info.DockerRootDir === 'string' ? info.DockerRootDir : '',
      containers: num('Containers'),
      containersRunning: num('ContainersRunning'),
      images: num('Images'),
      mode: securityOption(info.SecurityOptions, 'rootless') ? 'rootless' : 'root',
      userns: securityOption(info.SecurityOptions, 'userns'),
      limits: info.MemoryLimit !== false,
      isolationWarnings: isolationWarnings(info.Warnings),
    };
  }

  private async followEvents(): Promise<void> {
    this.closeEvents();
    const stream = (await this.docker!.getEvents({})) as NodeJS.ReadableStream;
    this.eventStream = stream;
    forEachLine(stream, (line) => {
      try {
        this.queueEvent(JSON.parse(line) as EngineEvent);
      } catch {
        this.opts.log(`Ignoring an event line that is not JSON: ${line.slice(0, 200)}`);
      }
    });
    const lost = (): void => {
      if (this.eventStream !== stream || this.disposed) return;
      this.eventStream = undefined;
      this.opts.log('Lost the event stream; reconnecting');
      this.setStatus({
        state: 'unreachable',
        address: targetAddress(this.opts.target),
        reason: 'The connection to the engine was lost.',
        waysOut: defaultWaysOut(this.opts.target),
      });
      this.scheduleReconnect();
    };
    stream.on('end', lost);
    stream.on('error', lost);
    stream.on('close', lost);
  }

  /**
   * Coalesces events without delaying the first: an event after a quiet spell goes out at once (with
   * whatever else arrived in the same chunk), and events during the following window go out together at
   * its end. A single start or stop shows without waiting; a burst (prune, compose up) costs two refreshes.
   */
  private queueEvent(e: EngineEvent): void {
    // Undebounced, for followers that must react at once (a log terminal picking up after a restart).
    this.emit('event', e);
    this.pending.push(e);
    if (this.debounceTimer) return;
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.flushEvents();
    }, this.opts.debounceMs ?? 150);
    setImmediate(() => this.flushEvents());
  }

  private flushEvents(): void {
    if (!this.pending.length || this.disposed) return;
    const batch = this.pending;
    this.pending = [];
    this.emit('resources', batch);
    // Counts in the Engine view come from /info; re-read them after changes.
    void this.refresh();
  }

  private closeEvents(): void {
    const s = this.eventStream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.eventStream = undefined;
    s?.destroy?.();
  }

  private scheduleReconnect(): void {
    if (this.disposed) return;
    clearTimeout(this.reconnectTimer);
    const delay = RECONNECT_DELAYS_MS[Math.min(this.reconnectAttempt, RECONNECT_DELAYS_MS.length - 1)];
    this.reconnectAttempt++;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private setStatus(s: EngineStatus): void {
    this._status = s;
    this.emit('status', s);
  }
}

class PreflightError extends Error {
  constructor(message: string, readonly waysOut: WayOut[]) {
    super(message);
  }
}

function defaultWaysOut(target: EngineTarget): WayOut[] {
  const ways: WayOut[] = [{ label: 'Choose Engine in Settings', action: { kind: 'open-settings' } }];
  if (target.kind === 'bundled') ways.unshift({ label: 'Use Docker Engine', action: { kind: 'use-docker' } });
  return ways;
}

/** dockerode (with ssh2 and gRPC) is most of the bundle; loading it after activation keeps activation fast. */
async function createClient(target: EngineTarget): Promise<Dockerode> {
  const { default: Dockerode } = await import('dockerode');
  switch (target.kind) {
    case 'bundled':
    case 'docker':
    case 'socket':
      return new Dockerode({ socketPath: target.socketPath });
    case 'tcp':
      return new Dockerode({ host: target.host, port: target.port, protocol: 'http' });
    case 'ssh':
      return new Dockerode({ host: target.host, port: target.port, username: target.username, protocol: 'ssh' });
  }
}

/** Whether /info's SecurityOptions hold an entry name=NAME (alone or with other key=value pairs). */
function securityOption(options: unknown, name: string): boolean {
  const re = new RegExp(`(^|,)name=${name}(,|$)`);
  return Array.isArray(options) && options.some((o) => typeof o === 'string' && re.test(o));
}

/** The /info Warnings about weaker confinement; other warnings (swap accounting, bridge sysctls) are not about isolation. */
export function isolationWarnings(warnings: unknown): string[] {
  if (!Array.isArray(warnings)) return [];
  return warnings
    .filter((w): w is string => typeof w === 'string' && /seccomp|apparmor|selinux|no[-_]new[-_]privileges|rootless|cgroup tree|isolation/i.test(w))
    .map((w) => w.replace(/^WARNING:\s*/, ''));
}
