// What every step handler works with, and the two ways a step ends: found in the cache, or
// committed as a new image (optionally with a layer).
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ImageEntry } from '../../images/image-store.js';
import type { TempSpace } from '../../fs/temp-dir.js';
import type { LayerStore } from '../../layers/layer-store.js';
import type { StepCommitter } from '../commit.js';
import type { BuildContext } from '../context/build-context.js';
import type { EscapeChar } from '../expand.js';
import type { BuildOptions } from '../options.js';
import type { BuildOutput } from '../output.js';
import { nopCmd, copyRunConfig, type RunConfig } from '../run-config.js';
import type { CacheFromSources } from '../cache-from.js';
import type { BuildTasks } from '../run/build-tasks.js';
import type { BuildMounts } from '../mounts/run-mounts.js';
import type { StageState } from '../stage-state.js';
import type { StepCache } from '../step-cache.js';

/** Where COPY --from finds files: an earlier stage's image or any image. */
export type FromSource = { kind: 'image'; entry: ImageEntry } | { kind: 'scratch' };

export interface StepEnv {
  state: StageState;
  escape: EscapeChar;
  out: BuildOutput;
  signal: AbortSignal;
  options: BuildOptions;
  context: BuildContext;
  committer: StepCommitter;
  cache: StepCache;
  layers: LayerStore;
  temp: TempSpace;
  tasks(): Promise<BuildTasks>;
  /** What RUN --mount uses: the engine's cache mounts and the request's secrets and ssh agents. */
  mounts: BuildMounts;
  /** The engine was started with --allow-insecure-entitlement security.insecure. */
  insecureAllowed: boolean;
  /** COPY --from: a stage (by name or index) or an image reference (pulled when missing). */
  fromSource(nameOrIndex: string): Promise<FromSource>;
  /** Remembered content hashes of an image's files (images never change). */
  hashMemo(imageId: string): Map<string, string>;
  /** `--cache-from` images, consulted when the local cache misses. */
  cacheFrom?: CacheFromSources;
  /** Work to finish before the build answers (removing a step's temp folder). */
  cleanup(work: Promise<unknown>): void;
}

export function containerId(): string {
  return randomBytes(32).toString('hex');
}

/** True (and the state moved) when an image for this step exists and the cache may be used. */
export async function probeCache(env: StepEnv, containerConfig: RunConfig): Promise<boolean> {
  if (env.options.noCache) return false;
  let hit = env.cache.lookup(env.state.image.id, containerConfig);
  if (!hit && env.cacheFrom) {
    hit = await env.cacheFrom.probe(env.state, containerConfig);
    if (hit) env.cache.record(env.state.image.id, containerConfig, hit.id);
  }
  // On scratch the parent ('') says nothing of the platform: a step image of another one is no hit.
  if (hit && (hit.config.architecture !== env.state.image.architecture || hit.config.os !== env.state.image.os)) hit = undefined;
  if (!hit) return false;
  env.out.usingCache();
  env.state.moveTo(hit);
  return true;
}

/** Commits the step and moves the stage to the new image. */
export async function commitStep(env: StepEnv, containerConfig: RunConfig, opts: { containerId?: string; layer?: Readable } = {}): Promise<ImageEntry> {
  const parent = env.state.image.id;
  const entry = await env.committer.commit(env.state, { containerConfig, containerId: opts.containerId, layer: opts.layer });
  env.cache.record(parent, containerConfig, entry.id);
  env.state.moveTo(entry);
  return entry;
}

/**
 * A step that only changes the config (ENV, LABEL, CMD, ...). Docker Engine runs these through a
 * container that is created and removed without starting; the messages say so, and so do ours.
 */
export async function commitConfigStep(env: StepEnv, comment: string): Promise<void> {
  const cc = copyRunConfig(env.state.runConfig, { Cmd: nopCmd(env.state.runConfig, comment) });
  if (await probeCache(env, cc)) return;
  const id = containerId();
  env.out.runningIn(id);
  await commitStep(env, cc, { containerId: id });
  if (env.options.remove) env.out.removingContainer(id);
}
