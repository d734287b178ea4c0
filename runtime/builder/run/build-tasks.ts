// Runs the RUN steps of one build through the runtime's one-shot task runner, with two things a
// build needs that a lone task does not:
// - one network namespace for the whole build (created at the first RUN that needs a bridge,
//   removed at the end) instead of a veth pair per step, which is most of a step's start-up time;
// - an "init layer" on top of the image layers holding the mountpoints the runtime bind-mounts
//   (/etc/hosts, /etc/resolv.conf, /etc/hostname, /dev, /proc, /sys), so they never appear in the
//   step's changes. Docker Engine keeps them in an init layer too.
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerConfig, HostConfig } from '../../containers/api-types.js';
import type { OciMount } from '../../tasks/oci-spec.js';
import type { Services } from '../../daemon/services.js';
import type { TaskRunner, TaskNetworks, TaskResult } from '../../tasks/task-runner.js';
import type { OciRuntime } from '../../oci/oci-runtime.js';
import type { Snapshotter } from '../../snapshots/snapshotter.js';
import { UnionView } from '../fs/union-view.js';
import { killTasksOfBundle, markNetwork, reapOrphans, unmarkNetwork } from './orphans.js';

export interface StepRun {
  /** Scratch folder of this step (under the daemon's temp space); the upper dir is `<dir>/upper`. */
  dir: string;
  /** Unpacked layers, topmost first (LayerStore.lowerDirs order). */
  layers: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** RUN --mount's mounts, on top of the step's root. */
  mounts?: OciMount[];
  stdin?: Buffer;
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  signal: AbortSignal;
  /** The env holds secret values (TaskRequest.sensitiveEnv). */
  sensitiveEnv?: boolean;
}

type Attachment = Awaited<ReturnType<TaskNetworks['attach']>>;

/**
 * A build's bridge namespace, kept for the next build for a while: making one (netns, veth pair,
 * address) is most of the first RUN's start-up. Still marked on disk while kept, so a daemon that
 * stops or dies with one kept removes it when it starts again.
 */
interface Spare { inner: TaskNetworks; root: string; mode: string; id: string; attachment: Attachment; timer: NodeJS.Timeout }
let spare: Spare | undefined;
const SPARE_IDLE_MS = 60_000;

function takeSpare(inner: TaskNetworks, root: string, mode: string): Spare | undefined {
  if (!spare || spare.inner !== inner || spare.root !== root || spare.mode !== mode) return undefined;
  const s = spare;
  spare = undefined;
  clearTimeout(s.timer);
  return s;
}

/**
 * On daemon shutdown: the kept namespace (and its veth) goes now. Left for the next start's reap,
 * it stayed on the host for as long as the daemon was down, and for ever when it never came back.
 */
export async function releaseSpareNetwork(): Promise<void> {
  const s = spare;
  if (!s) return;
  spare = undefined;
  clearTimeout(s.timer);
  await s.inner.detach(s.id).catch(() => undefined);
  await unmarkNetwork(s.root, s.id).catch(() => undefined);
}

/** Hands every task of a build the same network namespace. */
class SharedNetwork implements TaskNetworks {
  private id = randomBytes(32).toString('hex');
  private bridge: Promise<Attachment> | undefined;
  private bridgeMode = '';

  constructor(private readonly inner: TaskNetworks, private readonly root: string) {}

  attach(_taskId: string, mode: string | undefined, ports: [], aliases: string[]): Promise<Attachment> {
    if (mode === 'none' || mode === 'host') return this.inner.attach(this.id, mode, ports, aliases);
    if (!this.bridge) {
      this.bridgeMode = mode ?? '';
      const kept = takeSpare(this.inner, this.root, this.bridgeMode);
      if (kept) {
        this.id = kept.id;
        this.bridge = Promise.resolve(kept.attachment);
      } else {
        // Noted on disk first, so a daemon killed mid-build removes the namespace when it starts again.
        this.bridge = markNetwork(this.root, this.id).then(() => this.inner.attach(this.id, mode, [], []));
      }
    }
    return this.bridge;
  }

  async detach(): Promise<void> {
    // Kept for the next step; close() removes it.
  }

  async close(): Promise<void> {
    const bridge = this.bridge;
    this.bridge = undefined;
    if (!bridge) return;
    const attachment = await bridge.catch(() => undefined);
    if (attachment && !spare) {
      const { inner, root, id } = this;
      const timer = setTimeout(() => {
        if (spare?.id !== id) return;
        spare = undefined;
        void inner.detach(id).catch(() => undefined).then(() => unmarkNetwork(root, id));
      }, SPARE_IDLE_MS);
      timer.unref();
      spare = { inner, root, mode: this.bridgeMode, id, attachment, timer };
      return;
    }
    await this.inner.detach(this.id).catch(() => undefined);
    await unmarkNetwork(this.root, this.id);
  }
}

const MOUNTPOINT_DIRS = ['dev', 'proc', 'sys', 'etc'];
const MOUNTPOINT_FILES = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf'];

export class BuildTasks {
  private readonly initLayers = new Map<string, string>();

  private constructor(
    private readonly runner: TaskRunner, private readonly network: SharedNetwork, private readonly scratch: string, private readonly runtime: OciRuntime,
    /** The daemon's snapshotter: RUN --mount=type=bind,from= mounts a stage's or image's layers through it. */
    readonly snapshotter: Snapshotter,
  ) {}

  static async open(services: Services, scratch: string): Promise<BuildTasks> {
    const engine = await services.engine();
    const network = new SharedNetwork(engine.networks, services.options.root);
    // The container stack's runtime, snapshotter and confinement, over the build's shared network.
    return new BuildTasks(engine.taskRunner(network), network, scratch, engine.runtime, engine.snapshotter);
  }

  /** Once per daemon start: removes what builds killed with the previous daemon left behind. */
  static async reap(services: Services): Promise<void> {
    const engine = await services.engine();
    await reapOrphans(services.options.root, services.temp.dir, engine.networks, !services.mode.rootless);
  }

  async run(step: StepRun): Promise<TaskResult> {
    const init = await this.initLayerFor(step.layers);
    const running = this.runner.run({
      dir: step.dir,
      layerDirs: [...[...step.layers].reverse(), init],
      config: step.config,
      hostConfig: step.hostConfig,
      mounts: step.mounts,
      stdin: step.stdin,
      onOutput: step.onOutput,
      signal: step.signal,
      sensitiveEnv: step.sensitiveEnv,
    });
    // An abort that lands while the runtime is still creating the task finds nothing to kill; keep
    // killing the task of this bundle until the run is over.
    let settled = false;
    const stop = (): void => void killUntil(join(step.dir, 'bundle'), this.runtime, () => settled);
    step.signal.addEventListener('abort', stop, { once: true });
    try {
      return await running;
    } finally {
      settled = true;
      step.signal.removeEventListener('abort', stop);
    }
  }

  async close(): Promise<void> {
    await this.network.close();
  }

  /**
   * The init layer for an image: its folders carry the image's own metadata (overlayfs copies a
   * folder up from the topmost layer that has it, and a step's diff must show the image's /etc, not
   * ours). One per distinct set of metadata, so consecutive steps share it.
   */
  private async initLayerFor(layers: string[]): Promise<string> {
    const view = new UnionView(layers);
    const dirs: { name: string; mode: number; uid: number; gid: number; mtime: number }[] = [];
    for (const name of MOUNTPOINT_DIRS) {
      const e = await view.lstat(name);
      if (e && e.type !== 'dir') continue; // a symlink or file there: leave it to the runtime
      dirs.push({ name, mode: e?.stat.mode ?? 0o755, uid: e?.stat.uid ?? 0, gid: e?.stat.gid ?? 0, mtime: e?.stat.mtime.getTime() ?? 0 });
    }
    const key = JSON.stringify(dirs);
    const known = this.initLayers.get(key);
    if (known) return known;
    const dir = join(this.scratch, `init-layer-${this.initLayers.size}`);
    await rm(dir, { recursive: true, force: true });
    for (const d of dirs) await mkdir(join(dir, d.name), { recursive: true });
    for (const f of MOUNTPOINT_FILES) if (dirs.some((d) => f.startsWith(`${d.name}/`))) await writeFile(join(dir, f), '', { mode: 0o644 });
    for (const d of dirs) {
      const p = join(dir, d.name);
      await chown(p, d.uid, d.gid);
      await chmod(p, d.mode);
      await utimes(p, new Date(d.mtime), new Date(d.mtime));
    }
    this.initLayers.set(key, dir);
    return dir;
  }
}

async function killUntil(bundle: string, runtime: OciRuntime, done: () => boolean): Promise<void> {
  while (!done()) {
    await killTasksOfBundle(runtime, (b) => b === bundle);
    await new Promise((r) => setTimeout(r, 100));
  }
}
