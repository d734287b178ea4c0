// One debug session's container, from F5 to stop: build (image-build/run-build.ts, the cache keeps what
// did not change), add the debugger the image lacks when the user agrees, run the image with the
// runtime's debugger listening and its ports published on 127.0.0.1, wait until the debugger answers.
// A restart builds again and replaces the container only when the image changed; with nothing changed
// the running container stays and the debugger attaches to it again. No VS Code imports.
import { randomBytes } from 'node:crypto';
import type Dockerode from 'dockerode';
import { UserError } from '../errors.js';
import type { BuildDeps, BuildSink } from '../image-build/run-build.js';
import type { PortChecker } from '../run/port-plan.js';
import { containerState, lastLogLines, removeContainer, startContainer, type PortRequest } from '../tasks/run-container.js';
import { debugCommand } from './debug-command.js';
import type { ResolvedBerthDebug } from './debug-config.js';
import { ADD_ONS, addOnFor, addOnTag, buildAddOnImage, buildDebugImage, hasAddOn, type BuiltImage, type DebuggerAddOn } from './debug-image.js';
import { debuggerFailureMessage, waitForDebugger } from './debugger-probe.js';

export interface DebugRunDeps {
  build: BuildDeps;
  checker: PortChecker | undefined;
  /** The build's and the session's lines, for the "Berth Build" output. */
  sink: BuildSink;
  /** Asked once per session before Berth builds `<image>-<addOn>`; false cancels the start. */
  consent: (q: { addOn: DebuggerAddOn; image: string; tag: string; what: string; needs: string }) => Promise<boolean>;
}

export interface RunningDebug {
  containerId: string;
  containerName: string;
  image: BuiltImage;
  /** Host port of the debugger (none for .NET). */
  debugHostPort?: number;
  /** Host port of the app's port, when it has one. */
  appHostPort?: number;
  /** Wanted host ports that were taken, with the one used instead. */
  moved: { containerPort: number; wanted: number; used: number }[];
}

export class AddOnDeclined extends Error {
  constructor(addOn: DebuggerAddOn) {
    super(`Debugging needs ${ADD_ONS[addOn].what} in the image, and it was not added.`);
  }
}

export class DebugRun {
  private running: RunningDebug | undefined;
  private addOnAgreed = false;
  /** What the run is doing now, for the progress of the start or restart under way. */
  progress: (message: string) => void = () => undefined;

  constructor(private readonly docker: Dockerode, private readonly deps: DebugRunDeps, private d: ResolvedBerthDebug) {}

  get current(): RunningDebug | undefined {
    return this.running;
  }

  get config(): ResolvedBerthDebug {
    return this.d;
  }

  /** F5: build, run, wait for the debugger. */
  async start(signal?: AbortSignal): Promise<RunningDebug> {
    const image = await this.image(signal);
    this.running = await this.run(image, undefined, signal);
    return this.running;
  }

  /**
   * Restart: build again (a configuration changed in launch.json is taken); a new image id replaces
   * the container, the same one keeps it. `replaced` says which.
   */
  async restart(d: ResolvedBerthDebug | undefined, signal?: AbortSignal): Promise<{ running: RunningDebug; replaced: boolean }> {
    const before = this.running;
    if (d) this.d = d;
    const image = await this.image(signal);
    if (before && before.image.id === image.id && (await containerState(this.docker, before.containerId).catch(() => ({ running: false }))).running) {
      this.deps.sink.text(`Image ${image.ref} is unchanged (${short(image.id)}): container ${before.containerName} keeps running.\n`);
      return { running: before, replaced: false };
    }
    if (before) {
      this.progress('replacing the container');
      this.deps.sink.text(`Image ${image.ref} is now ${short(image.id)}${before.image.id !== image.id ? ` (was ${short(before.image.id)})` : ''}: replacing container ${before.containerName}.\n`);
      this.running = undefined;
      await removeContainer(this.docker, before.containerId);
    }
    this.running = await this.run(image, before, signal);
    return { running: this.running, replaced: true };
  }

  /** Stops and removes the container (gone already is fine). */
  async stop(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (r) await removeContainer(this.docker, r.containerId);
  }

  private async image(signal?: AbortSignal): Promise<BuiltImage> {
    const d = this.d;
    this.progress('building the image');
    this.deps.sink.text(`── Build ${d.image} for debugging (${d.dockerfile}${d.target ? `, target ${d.target}` : ''}) ──\n`);
    const built = await buildDebugImage(this.deps.build, d, this.deps.sink, signal);
    const addOn = addOnFor(d.platform);
    if (!addOn || (await hasAddOn(this.docker, built.ref, addOn))) return built;
    if (!this.addOnAgreed) {
      const agreed = await this.deps.consent({ addOn, image: built.ref, tag: addOnTag(built.ref, addOn), ...ADD_ONS[addOn] });
      if (!agreed) throw new AddOnDeclined(addOn);
      this.addOnAgreed = true;
    }
    this.progress(`adding ${addOn}`);
    this.deps.sink.text(`── Add ${ADD_ONS[addOn].what} to ${built.ref} as ${addOnTag(built.ref, addOn)} ──\n`);
    return buildAddOnImage(this.deps.build, built, addOn, this.deps.sink, signal);
  }

  /** Runs the image under the debugger; `before` (a replaced container) keeps its host ports when they are free. */
  private async run(image: BuiltImage, before: RunningDebug | undefined, signal?: AbortSignal): Promise<RunningDebug> {
    const d = this.d;
    const info = await this.docker.getImage(image.id).inspect();
    const command = debugCommand(d.platform, { entrypoint: list(info.Config?.Entrypoint), cmd: list(info.Config?.Cmd) }, d.debugPort);
    if (typeof command === 'string') throw new UserError(`Cannot debug ${image.ref}: ${command}.`);
    this.progress('starting the container');
    const name = `${d.image.replace(/[:/]/g, '-').replace(/[^a-zA-Z0-9_.-]/g, '')}-debug-${randomBytes(3).toString('hex')}`;
    const ports: PortRequest[] = [];
    if (d.debugPort) ports.push({ containerPort: d.debugPort, hostPort: before?.debugHostPort });
    if (d.appPort) ports.push({ containerPort: d.appPort, hostPort: before?.appHostPort ?? d.hostPort ?? d.appPort });
    const started = await startContainer(this.docker, {
      image: image.id, name, purpose: 'debug', ports,
      env: { ...d.env, ...command.env },
      entrypoint: command.entrypoint, cmd: command.cmd,
    }, this.deps.checker);
    try {
      const debugHostPort = d.debugPort ? started.published.get(d.debugPort) : undefined;
      if (d.debugPort && !debugHostPort) throw new Error(`the engine published no host port for the debugger's port ${d.debugPort}`);
      this.progress(d.debugPort ? `waiting for the debugger on 127.0.0.1:${debugHostPort}` : 'waiting for the app to start');
      const result = await waitForDebugger({
        host: '127.0.0.1', port: debugHostPort ?? 0, platform: d.platform, timeoutMs: d.attachTimeout,
        stillRunning: () => containerState(this.docker, started.id), cancelled: () => !!signal?.aborted,
      });
      if (!result.ok) {
        if (result.reason === 'cancelled') throw new DebugCancelled();
        const lines = await lastLogLines(this.docker, started.id, 10).catch(() => [] as string[]);
        const message = debuggerFailureMessage({ platform: d.platform, container: name, debugPort: d.debugPort, hostPort: debugHostPort ?? 0, timeoutMs: d.attachTimeout, result, lastLines: lines });
        this.deps.sink.text(`── ${message} ──\n`);
        throw new UserError(`${message} See the "Berth Build" output.`);
      }
      return { containerId: started.id, containerName: name, image, debugHostPort, appHostPort: d.appPort ? started.published.get(d.appPort) : undefined, moved: started.moved };
    } catch (err) {
      await removeContainer(this.docker, started.id).catch(() => undefined);
      throw err;
    }
  }
}

export class DebugCancelled extends Error {
  constructor() {
    super('Starting the debug session was cancelled.');
  }
}

function list(v: string | string[] | null | undefined): string[] {
  return v == null ? [] : Array.isArray(v) ? v : [v];
}

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);
