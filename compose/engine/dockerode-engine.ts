// ComposeEngine over dockerode: any engine that speaks the Docker Engine API (berthd, Docker, Podman's
// socket, ssh://). Errors carry the engine's own message and status code.
import Docker from 'dockerode';
import { Readable } from 'node:stream';
import type { RegistryAuth } from '../credentials/registry-auth';
import { describeAddress, type EngineAddress } from './engine-address';
import { EngineError, type AttachedStreams, type BuildRequest, type ComposeEngine, type ContainerDetails, type ContainerSummary, type ExecRequest, type ImageSummary, type NetworkSummary, type ProgressMessage, type VolumeSummary } from './engine';

export function dockerodeFor(a: EngineAddress): Docker {
  switch (a.kind) {
    case 'socket': return new Docker({ socketPath: a.socketPath, version: 'v1.41' });
    case 'tcp': return new Docker({ host: a.host, port: a.port, protocol: a.tls ? 'https' : 'http', version: 'v1.41' });
    case 'ssh': return new Docker({ host: a.host, port: a.port, username: a.username, protocol: 'ssh', version: 'v1.41' });
  }
}

function engineError(e: unknown): EngineError {
  const err = e as { statusCode?: number; json?: { message?: string } | null; reason?: string; message?: string };
  const message = err.json?.message ?? (typeof err.json === 'string' ? err.json : undefined) ?? err.message ?? String(e);
  return new EngineError(message.trim(), err.statusCode);
}

async function call<T>(p: () => Promise<T>): Promise<T> {
  try {
    return await p();
  } catch (e) {
    throw engineError(e);
  }
}

async function orUndefined<T>(p: () => Promise<T>): Promise<T | undefined> {
  try {
    return await p();
  } catch (e) {
    const err = engineError(e);
    if (err.statusCode === 404) return undefined;
    throw err;
  }
}

const labelFilter = (labels: readonly string[]) => JSON.stringify({ label: labels });

export class DockerodeEngine implements ComposeEngine {
  readonly address: string;

  /** `auth`: the credentials sent with pulls and builds; without it they go out anonymous. */
  constructor(
    private readonly docker: Docker,
    address: EngineAddress,
    private readonly auth?: RegistryAuth,
  ) {
    this.address = describeAddress(address);
  }

  async ping(): Promise<void> {
    await call(() => this.docker.ping());
  }

  listContainers(opts: { all: boolean; labels: readonly string[] }): Promise<ContainerSummary[]> {
    return call(() => this.docker.listContainers({ all: opts.all, filters: labelFilter(opts.labels) })) as Promise<ContainerSummary[]>;
  }

  inspectContainer(id: string): Promise<ContainerDetails> {
    return call(() => this.docker.getContainer(id).inspect()) as Promise<ContainerDetails>;
  }

  async createContainer(name: string, body: Record<string, unknown>): Promise<string> {
    const c = await call(() => this.docker.createContainer({ ...body, name }));
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await call(async () => {
      try {
        await this.docker.getContainer(id).start();
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 304) throw e;
      }
    });
  }

  async stopContainer(id: string, timeoutSeconds?: number): Promise<void> {
    await call(async () => {
      try {
        await this.docker.getContainer(id).stop(timeoutSeconds === undefined ? {} : { t: timeoutSeconds });
      } catch (e) {
        if ((e as { statusCode?: number }).statusCode !== 304) throw e;
      }
    });
  }

  async restartContainer(id: string, timeoutSeconds?: number): Promise<void> {
    await call(() => this.docker.getContainer(id).restart(timeoutSeconds === undefined ? {} : { t: timeoutSeconds }));
  }

  async removeContainer(id: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    await call(() => this.docker.getContainer(id).remove({ force: opts.force, v: opts.volumes }));
  }

  async waitContainer(id: string, opts?: { nextExit: boolean }): Promise<number> {
    const r = (await call(() => this.docker.getContainer(id).wait(opts?.nextExit ? { condition: 'next-exit' } : {}))) as { StatusCode: number };
    return r.StatusCode;
  }

  async connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void> {
    await call(() => this.docker.getNetwork(network).connect({ Container: container, EndpointConfig: { Aliases: [...aliases] } }));
  }

  async watchContainer(id: string, onEvent: () => void): Promise<() => void> {
    const stream = (await call(() => this.docker.getEvents({ filters: JSON.stringify({ type: ['container'], container: [id] }) }))) as unknown as Readable;
    stream.on('data', () => onEvent());
    stream.on('error', () => undefined);
    return () => stream.destroy();
  }

  async containerLogs(id: string, opts: { follow: boolean; tail?: number; timestamps: boolean; since?: number }): Promise<Readable> {
    const c = this.docker.getContainer(id);
    const common = { stdout: true, stderr: true, timestamps: opts.timestamps, ...(opts.tail === undefined ? {} : { tail: opts.tail }), ...(opts.since === undefined ? {} : { since: opts.since }) };
    if (opts.follow) return (await call(() => c.logs({ ...common, follow: true }))) as unknown as Readable;
    const buf = (await call(() => c.logs({ ...common, follow: false as true }))) as unknown as Buffer;
    return Readable.from([buf]);
  }

  async attachContainer(id: string, opts: { stdin: boolean }): Promise<AttachedStreams> {
    const stream = (await call(() => this.docker.getContainer(id).attach({ stream: true, stdin: opts.stdin, stdout: true, stderr: true, hijack: opts.stdin }))) as NodeJS.ReadWriteStream;
    return { output: stream as unknown as Readable, input: opts.stdin ? (stream as unknown as NodeJS.WritableStream as never) : undefined };
  }

  async exec(container: string, req: ExecRequest): Promise<{ streams: AttachedStreams; exitCode: () => Promise<number> }> {
    const exec = await call(() => this.docker.getContainer(container).exec({ ...req, AttachStdout: true, AttachStderr: true }));
    const stream = (await call(() => exec.start({ hijack: true, stdin: req.AttachStdin, Tty: req.Tty }))) as NodeJS.ReadWriteStream;
    return {
      streams: { output: stream as unknown as Readable, input: req.AttachStdin ? (stream as never) : undefined },
      exitCode: async () => ((await call(() => exec.inspect())).ExitCode ?? -1),
    };
  }

  async execDetached(container: string, req: Omit<ExecRequest, 'AttachStdin'>): Promise<string> {
    const exec = await call(() => this.docker.getContainer(container).exec({ ...req, AttachStdin: false, AttachStdout: false, AttachStderr: false }));
    const started = (await call(() => exec.start({ Detach: true, Tty: req.Tty }))) as unknown;
    // With Detach the engine answers at once with an empty body: nothing to read.
    if (started && typeof (started as NodeJS.ReadableStream).resume === 'function') (started as NodeJS.ReadableStream).resume();
    return exec.id;
  }

  listNetworks(labels: readonly string[]): Promise<NetworkSummary[]> {
    return call(() => this.docker.listNetworks({ filters: labelFilter(labels) })) as Promise<NetworkSummary[]>;
  }

  inspectNetwork(name: string): Promise<NetworkSummary | undefined> {
    return orUndefined(() => this.docker.getNetwork(name).inspect()) as Promise<NetworkSummary | undefined>;
  }

  async createNetwork(body: { Name: string; Driver?: string; Internal: boolean; Labels: Record<string, string>; IPAM?: { Config: { Subnet: string }[] } }): Promise<string> {
    const n = await call(() => this.docker.createNetwork({ ...body, CheckDuplicate: true }));
    return n.id;
  }

  async removeNetwork(id: string): Promise<void> {
    await call(() => this.docker.getNetwork(id).remove());
  }

  async listVolumes(labels: readonly string[]): Promise<VolumeSummary[]> {
    const r = await call(() => this.docker.listVolumes({ filters: labelFilter(labels) }));
    return (r.Volumes ?? []) as VolumeSummary[];
  }

  inspectVolume(name: string): Promise<VolumeSummary | undefined> {
    return orUndefined(() => this.docker.getVolume(name).inspect()) as Promise<VolumeSummary | undefined>;
  }

  async createVolume(body: { Name: string; Driver?: string; Labels: Record<string, string> }): Promise<void> {
    await call(() => this.docker.createVolume(body));
  }

  async removeVolume(name: string): Promise<void> {
    await call(() => this.docker.getVolume(name).remove());
  }

  inspectImage(ref: string): Promise<ImageSummary | undefined> {
    return orUndefined(() => this.docker.getImage(ref).inspect()) as Promise<ImageSummary | undefined>;
  }

  async pullImage(ref: string, onProgress: (m: ProgressMessage) => void): Promise<void> {
    const authconfig = await this.auth?.pullPushAuth(ref);
    const stream = (await call(() => this.docker.pull(ref, authconfig ? { authconfig } : {}))) as Readable;
    await this.follow(stream, onProgress);
  }

  async buildImage(req: BuildRequest, onProgress: (m: ProgressMessage) => void): Promise<void> {
    // FROM may name any registry: every known login goes along (X-Registry-Config), as with the docker CLI.
    // docker-modem sends a pre-encoded `base64` as it is (its own encoding is not dockerd's URL alphabet).
    const registryconfig = (await this.auth?.buildRegistryConfig()) as unknown as Docker.RegistryConfig | undefined;
    const stream = (await call(() =>
      this.docker.buildImage(req.context as unknown as NodeJS.ReadableStream, {
        ...(registryconfig ? { registryconfig } : {}),
        t: req.tag,
        dockerfile: req.dockerfile,
        buildargs: req.buildargs,
        target: req.target ?? '',
        labels: req.labels,
        rm: true,
        forcerm: true,
        ...(req.noCache ? { nocache: true } : {}),
        ...(req.pull ? { pull: true } : {}),
      }),
    )) as Readable;
    await this.follow(stream, onProgress);
  }

  async removeImage(ref: string): Promise<void> {
    await call(() => this.docker.getImage(ref).remove());
  }

  /** Reads a JSON message stream to its end; an error message in it rejects with that message. */
  private follow(stream: Readable, onProgress: (m: ProgressMessage) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let failed: string | undefined;
      this.docker.modem.followProgress(
        stream,
        (err: Error | null) => {
          if (err) reject(engineError(err));
          else if (failed !== undefined) reject(new EngineError(failed, undefined));
          else resolve();
        },
        (m: ProgressMessage) => {
          if (m.error || m.errorDetail) failed ??= (m.errorDetail?.message ?? m.error ?? 'failed').trim();
          onProgress(m);
        },
      );
    });
  }
}
