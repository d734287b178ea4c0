// Where a build stage stands after each step: the current image (ID, layers, history, config) and
// the run config the next step starts from.
import type { HistoryEntry, ImageConfig } from '../images/image-config.js';
import type { ImageEntry } from '../images/image-store.js';
import type { BuildArgs } from './args.js';
import type { Platform } from '../../dockerfile/expansion/predefined.js';
import { hostPlatform } from '../images/platform.js';
import { DEFAULT_PATH, envValue, runConfigFrom, type RunConfig } from './run-config.js';

export interface StageImage {
  /** '' while a FROM scratch stage has no image yet. */
  id: string;
  architecture: string;
  os: string;
  variant?: string;
  diffIds: string[];
  /** Chain ID of the top layer, undefined without layers. */
  topChainId: string | undefined;
  history: HistoryEntry[];
}

export class StageState {
  image: StageImage;
  runConfig: RunConfig;
  /** MAINTAINER, the history's and config's author. */
  maintainer = '';
  /** CMD was set in this stage (an ENTRYPOINT after it keeps it). */
  cmdSet = false;

  constructor(readonly index: number, readonly name: string | null, readonly args: BuildArgs, base: ImageEntry | null, platform: Platform = hostPlatform()) {
    if (base) {
      const c = base.config;
      this.image = {
        id: base.id, architecture: c.architecture, os: c.os, variant: c.variant, diffIds: [...c.rootfs.diff_ids],
        topChainId: base.chainIds[base.chainIds.length - 1], history: [...(c.history ?? [])],
      };
      this.runConfig = runConfigFrom(c.config);
      this.maintainer = '';
    } else {
      // FROM scratch: the image is of the platform the stage targets.
      this.image = {
        id: '', architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}),
        diffIds: [], topChainId: undefined, history: [],
      };
      this.runConfig = runConfigFrom(undefined);
    }
    // Docker: a stage always has a PATH, and never keeps stdin open.
    if (envValue(this.runConfig.Env, 'PATH') === undefined) this.runConfig.Env = [...(this.runConfig.Env ?? []), `PATH=${DEFAULT_PATH}`];
    this.runConfig.OpenStdin = false;
    this.runConfig.StdinOnce = false;
    this.syncImage();
  }

  /** After every step the run config names the image it applies to (Docker's updateRunConfig). */
  syncImage(): void {
    this.runConfig.Image = this.image.id;
  }

  /**
   * Moves to `entry`, the image a step committed or found in the cache. The run config stays as the
   * step left it (on a cache hit it equals the cached image's config by construction of the key).
   */
  moveTo(entry: ImageEntry): void {
    const c: ImageConfig = entry.config;
    this.image = {
      id: entry.id, architecture: c.architecture, os: c.os, variant: c.variant, diffIds: [...c.rootfs.diff_ids],
      topChainId: entry.chainIds[entry.chainIds.length - 1], history: [...(c.history ?? [])],
    };
    this.syncImage();
  }
}
