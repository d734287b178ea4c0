// An in-memory ComposeEngine: containers, networks, volumes and images as plain records, with a log
// of the calls, so the runner's decisions are tested without an engine.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { EngineError, type AttachedStreams, type BuildRequest, type ComposeEngine, type ContainerDetails, type ContainerSummary, type ExecRequest, type ImageSummary, type NetworkSummary, type ProgressMessage, type VolumeSummary } from '../../compose/engine/engine';

export interface FakeContainer {
  id: string;
  name: string;
  body: Record<string, unknown>;
  state: 'created' | 'running' | 'exited';
  exitCode: number;
  health?: 'starting' | 'healthy' | 'unhealthy';
  connected: string[];
  created: number;
}

const matches = (labels: Record<string, string> | null | undefined, filters: readonly string[]) =>
  filters.every((f) => { const [k, v] = f.split('='); return labels?.[k] === v; });

export class FakeEngine implements ComposeEngine {
  readonly address = 'fake://';
  readonly calls: string[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, { Id: string; Name: string; Labels: Record<string, string>; Internal: boolean }>();
  readonly volumes = new Map<string, { Name: string; Labels: Record<string, string> }>();
  readonly images = new Map<string, { Id: string }>();
  /** Called when a container starts: lets a test decide its fate (health, exit). */
  onStart: (c: FakeContainer) => void = () => undefined;
  /** Make builds of this tag fail. */
  failBuild = new Set<string>();
  /** Host ports in use: a start publishing one of them fails as Docker does. */
  takenPorts = new Set<string>();
  private clock = 0;

  addImage(ref: string): string {
    const id = `sha256:${randomBytes(32).toString('hex')}`;
    this.images.set(ref, { Id: id });
    return id;
  }

  private find(idOrName: string): FakeContainer {
    const c = this.containers.get(idOrName) ?? [...this.containers.values()].find((x) => x.name === idOrName);
    if (!c) throw new EngineError(`No such container: ${idOrName}`, 404);
    return c;
  }

  async ping(): Promise<void> {}

  async listContainers(opts: { all: boolean; labels: readonly string[] }): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((c) => (opts.all || c.state === 'running') && matches(c.body.Labels as Record<string, string>, opts.labels))
      .map((c) => ({
        Id: c.id, Names: [`/${c.name}`], Image: String(c.body.Image), ImageID: this.images.get(String(c.body.Image))?.Id ?? '',
        State: c.state, Status: c.state === 'running' ? `Up 1 second${c.health ? ` (${c.health})` : ''}` : `Exited (${c.exitCode}) 1 second ago`,
        Created: c.created, Labels: { ...(c.body.Labels as Record<string, string>) },
      }));
  }

  async inspectContainer(id: string): Promise<ContainerDetails> {
    const c = this.find(id);
    return {
      Id: c.id, Name: `/${c.name}`, Image: String(c.body.Image),
      State: { Status: c.state, Running: c.state === 'running', ExitCode: c.exitCode, ...(c.health ? { Health: { Status: c.health, Log: [] } } : {}) },
      Config: { Labels: c.body.Labels as Record<string, string> },
    };
  }

  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    this.calls.push(`create ${name}`);
    if ([...this.containers.values()].some((c) => c.name === name)) throw new EngineError(`Conflict. The container name "/${name}" is already in use`, 409);
    const image = String(body.Image);
    if (!this.images.has(image)) throw new EngineError(`No such image: ${image}`, 404);
    const net = (body.HostConfig as { NetworkMode?: string } | undefined)?.NetworkMode;
    if (net && !this.networks.has(net) && !['bridge', 'host', 'none'].includes(net)) throw new EngineError(`network ${net} not found`, 404);
    const id = randomBytes(32).toString('hex');
    this.containers.set(id, { id, name, body, state: 'created', exitCode: 0, connected: net ? [net] : [], created: ++this.clock });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    const c = this.find(id);
    this.calls.push(`start ${c.name}`);
    const bindings = (c.body.HostConfig as { PortBindings?: Record<string, { HostPort: string }[]> } | undefined)?.PortBindings ?? {};
    for (const b of Object.values(bindings).flat()) {
      if (b.HostPort && this.takenPorts.has(b.HostPort)) throw new EngineError(`driver failed programming external connectivity on endpoint ${c.name}: Bind for 0.0.0.0:${b.HostPort} failed: port is already allocated`, 500);
    }
    c.state = 'running';
    if ((c.body.Healthcheck as { Test?: string[] } | undefined)?.Test) c.health = 'starting';
    this.changed(c);
    this.onStart(c);
  }

  async stopContainer(id: string): Promise<void> {
    const c = this.find(id);
    this.calls.push(`stop ${c.name}`);
    if (c.state === 'running') { c.state = 'exited'; c.exitCode = 137; }
  }

  async restartContainer(id: string): Promise<void> {
    const c = this.find(id);
    this.calls.push(`restart ${c.name}`);
    c.state = 'running';
  }

  async removeContainer(id: string, opts: { force: boolean }): Promise<void> {
    const c = this.find(id);
    if (c.state === 'running' && !opts.force) throw new EngineError('cannot remove a running container', 409);
    this.calls.push(`remove ${c.name}`);
    this.containers.delete(c.id);
  }

  async waitContainer(id: string): Promise<number> {
    const c = this.find(id);
    while (c.state !== 'exited') await new Promise((r) => setTimeout(r, 5));
    return c.exitCode;
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    this.calls.push(`connect ${network}`);
    this.find(container).connected.push(network);
  }

  /** Containers being watched: the fake's own changes call these (a test's direct edits do not: polls find those). */
  readonly watchers = new Set<{ id: string; onEvent: () => void }>();

  async watchContainer(id: string, onEvent: () => void): Promise<() => void> {
    const w = { id: this.find(id).id, onEvent };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private changed(c: FakeContainer): void {
    for (const w of this.watchers) if (w.id === c.id) w.onEvent();
  }

  async containerLogs(id: string): Promise<Readable> {
    const c = this.find(id);
    return Readable.from([Buffer.from(`hello from ${c.name}\n`)]);
  }

  async attachContainer(): Promise<AttachedStreams> {
    return { output: Readable.from([]) };
  }

  async exec(_c: string, req: ExecRequest): Promise<{ streams: AttachedStreams; exitCode: () => Promise<number> }> {
    return { streams: { output: Readable.from([Buffer.from(`${req.Cmd.join(' ')}\n`)]) }, exitCode: async () => 0 };
  }

  async execDetached(c: string, req: Omit<ExecRequest, 'AttachStdin'>): Promise<string> {
    this.calls.push(`exec -d ${c} ${req.Cmd.join(' ')}`);
    return randomBytes(32).toString('hex');
  }

  async listNetworks(labels: readonly string[]): Promise<NetworkSummary[]> {
    return [...this.networks.values()].filter((n) => matches(n.Labels, labels));
  }

  async inspectNetwork(name: string): Promise<NetworkSummary | undefined> {
    return this.networks.get(name);
  }

  async createNetwork(body: { Name: string; Internal: boolean; Labels: Record<string, string> }): Promise<string> {
    this.calls.push(`network create ${body.Name}`);
    const Id = randomBytes(32).toString('hex');
    this.networks.set(body.Name, { Id, Name: body.Name, Labels: body.Labels, Internal: body.Internal });
    return Id;
  }

  async removeNetwork(id: string): Promise<void> {
    const n = [...this.networks.values()].find((x) => x.Id === id);
    if (!n) throw new EngineError('no such network', 404);
    this.calls.push(`network remove ${n.Name}`);
    this.networks.delete(n.Name);
  }

  async listVolumes(labels: readonly string[]): Promise<VolumeSummary[]> {
    return [...this.volumes.values()].filter((v) => matches(v.Labels, labels));
  }

  async inspectVolume(name: string): Promise<VolumeSummary | undefined> {
    return this.volumes.get(name);
  }

  async createVolume(body: { Name: string; Labels: Record<string, string> }): Promise<void> {
    this.calls.push(`volume create ${body.Name}`);
    this.volumes.set(body.Name, { Name: body.Name, Labels: body.Labels });
  }

  async removeVolume(name: string): Promise<void> {
    this.calls.push(`volume remove ${name}`);
    this.volumes.delete(name);
  }

  async inspectImage(ref: string): Promise<ImageSummary | undefined> {
    return this.images.get(ref);
  }

  async pullImage(ref: string, onProgress: (m: ProgressMessage) => void): Promise<void> {
    this.calls.push(`pull ${ref}`);
    if (ref.includes('missing')) throw new EngineError(`pull access denied for ${ref}, repository does not exist`, 404);
    onProgress({ status: 'Pulled' });
    this.addImage(ref);
  }

  async buildImage(req: BuildRequest, onProgress: (m: ProgressMessage) => void): Promise<void> {
    this.calls.push(`build ${req.tag}`);
    req.context.resume();
    if (this.failBuild.has(req.tag)) throw new EngineError("The command '/bin/sh -c exit 1' returned a non-zero code: 1", undefined);
    onProgress({ stream: 'Step 1/1\n' });
    this.addImage(req.tag);
  }

  async removeImage(ref: string): Promise<void> {
    this.calls.push(`image remove ${ref}`);
    this.images.delete(ref);
  }
}
