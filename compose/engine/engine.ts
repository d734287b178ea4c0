// The part of the Docker Engine API the Compose runner uses, as an interface: dockerode implements it
// for real engines (dockerode-engine.ts), tests give a fake. Bodies use the API's own field names.
import type { Readable, Writable } from 'node:stream';

export type Labels = Record<string, string>;

export interface ContainerSummary {
  readonly Id: string;
  readonly Names: readonly string[];
  readonly Image: string;
  readonly ImageID: string;
  readonly State: string;
  readonly Status: string;
  readonly Created: number;
  readonly Labels: Labels;
  readonly Ports?: readonly { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

export interface ContainerState {
  readonly Status: string;
  readonly Running: boolean;
  readonly ExitCode: number;
  readonly Health?: { readonly Status: string; readonly Log?: readonly { Output: string; ExitCode: number }[] };
}

export interface ContainerDetails {
  readonly Id: string;
  readonly Name: string;
  readonly Image: string;
  readonly State: ContainerState;
  readonly Config: { readonly Labels: Labels | null; readonly Tty?: boolean };
}

export interface NetworkSummary {
  readonly Id: string;
  readonly Name: string;
  readonly Labels: Labels | null;
  readonly Internal?: boolean;
}

export interface VolumeSummary {
  readonly Name: string;
  readonly Labels: Labels | null;
}

export interface ImageSummary {
  readonly Id: string;
  readonly RepoTags?: readonly string[] | null;
  readonly Labels?: Labels | null;
}

/** One message of a pull or build progress stream. */
export interface ProgressMessage {
  readonly stream?: string;
  readonly status?: string;
  readonly id?: string;
  readonly progress?: string;
  readonly error?: string;
  readonly errorDetail?: { message?: string };
  readonly aux?: { ID?: string };
}

export interface BuildRequest {
  readonly context: Readable;
  readonly tag: string;
  readonly dockerfile: string;
  readonly buildargs: Record<string, string>;
  readonly target?: string;
  readonly labels: Labels;
  readonly noCache?: boolean;
  /** Pull a newer base image even when the engine has one. */
  readonly pull?: boolean;
}

export interface ExecRequest {
  readonly Cmd: string[];
  readonly Tty: boolean;
  readonly AttachStdin: boolean;
  readonly User?: string;
  readonly WorkingDir?: string;
  readonly Env?: string[];
  readonly Privileged?: boolean;
}

export interface AttachedStreams {
  /** stdout and stderr; multiplexed (8-byte frame headers) unless the container or exec has a TTY. */
  readonly output: Readable;
  /** The process's stdin, when asked for. */
  readonly input?: Writable;
}

/** A failure of an engine call, with the engine's status code (404 for a missing object). */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
  ) {
    super(message);
  }
}

export interface ComposeEngine {
  /** Where the engine is, for messages. */
  readonly address: string;
  ping(): Promise<void>;

  listContainers(opts: { all: boolean; labels: readonly string[] }): Promise<ContainerSummary[]>;
  inspectContainer(id: string): Promise<ContainerDetails>;
  createContainer(name: string, body: Record<string, unknown>): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds?: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds?: number): Promise<void>;
  removeContainer(id: string, opts: { force: boolean; volumes: boolean }): Promise<void>;
  /**
   * Resolves with the exit code once the container has stopped. `nextExit`: wait for the exit after
   * the coming start (for a container just created), not return at once because it is not running.
   */
  waitContainer(id: string, opts?: { nextExit: boolean }): Promise<number>;
  connectNetwork(network: string, container: string, aliases: readonly string[]): Promise<void>;
  /**
   * Calls `onEvent` at each event of the container (start, die, health_status, ...) from the time the
   * promise resolves (the engine is listening) until the returned function is called: waits see a change
   * at once instead of at their next look.
   */
  watchContainer(id: string, onEvent: () => void): Promise<() => void>;
  /** `since`: unix seconds; output written before it is left out. */
  containerLogs(id: string, opts: { follow: boolean; tail?: number; timestamps: boolean; since?: number }): Promise<Readable>;
  attachContainer(id: string, opts: { stdin: boolean }): Promise<AttachedStreams>;
  exec(container: string, req: ExecRequest): Promise<{ streams: AttachedStreams; exitCode: () => Promise<number> }>;
  /** exec --detach: the command started in the background, nothing attached; resolves with the exec's ID. */
  execDetached(container: string, req: Omit<ExecRequest, 'AttachStdin'>): Promise<string>;

  listNetworks(labels: readonly string[]): Promise<NetworkSummary[]>;
  /** undefined when there is no such network. */
  inspectNetwork(name: string): Promise<NetworkSummary | undefined>;
  createNetwork(body: { Name: string; Driver?: string; Internal: boolean; Labels: Labels; IPAM?: { Config: { Subnet: string }[] } }): Promise<string>;
  removeNetwork(id: string): Promise<void>;

  listVolumes(labels: readonly string[]): Promise<VolumeSummary[]>;
  inspectVolume(name: string): Promise<VolumeSummary | undefined>;
  createVolume(body: { Name: string; Driver?: string; Labels: Labels }): Promise<void>;
  removeVolume(name: string): Promise<void>;

  /** undefined when the engine does not have it. */
  inspectImage(ref: string): Promise<ImageSummary | undefined>;
  pullImage(ref: string, onProgress: (m: ProgressMessage) => void): Promise<void>;
  buildImage(req: BuildRequest, onProgress: (m: ProgressMessage) => void): Promise<void>;
  removeImage(ref: string): Promise<void>;
}
