// `--cache-from IMAGE`: images that were built elsewhere (pulled or loaded, so without their step
// images) serve as cache, the way Docker Engine's legacy builder uses them: a step hits when the
// source image's history starts with the current image's history and layers, and its next history
// line is this step's command. The step image is then rebuilt from that history line and layer
// (or is the source image itself at its last step).
import { isDeepStrictEqual } from 'node:util';
import type { HistoryEntry } from '../images/image-config.js';
import type { ImageEntry, ImageStore } from '../images/image-store.js';
import { ENGINE_VERSION } from '../api/server.js';
import { toDockerJson, type RunConfig } from './run-config.js';
import type { StageState } from './stage-state.js';

export class CacheFromSources {
  private sources: ImageEntry[];

  constructor(refs: readonly string[], private readonly store: ImageStore) {
    // Docker Engine uses only local images here, and skips names it does not have.
    this.sources = refs.map((r) => { try { return store.lookup(r); } catch { return undefined; } }).filter((e): e is ImageEntry => e !== undefined);
  }

  get empty(): boolean {
    return this.sources.length === 0;
  }

  /** The image for this step from a source image, or undefined. */
  async probe(state: StageState, containerConfig: RunConfig): Promise<ImageEntry | undefined> {
    const parentHistory = state.image.history;
    const parentDiffs = state.image.diffIds;
    const createdBy = (containerConfig.Cmd ?? []).join(' ');
    for (const target of this.sources) {
      const history = target.config.history ?? [];
      const diffs = target.config.rootfs.diff_ids;
      if (!isValidParent(parentHistory, parentDiffs, history, diffs)) continue;
      const next = history[parentHistory.length];
      if (next.created_by !== createdBy) continue;
      // Once a source matched, later steps only look at it.
      this.sources = [target];
      if (history.length - 1 === parentHistory.length) return target;
      return this.restore(state, target, next, parentHistory.length);
    }
    return undefined;
  }

  private async restore(state: StageState, target: ImageEntry, next: HistoryEntry, index: number): Promise<ImageEntry> {
    const layer = layerForHistoryIndex(target.config.history ?? [], target.config.rootfs.diff_ids, index);
    const config = {
      architecture: target.config.architecture,
      ...(target.config.author ? { author: target.config.author } : {}),
      config: toDockerJson(state.runConfig),
      created: next.created,
      docker_version: ENGINE_VERSION,
      history: [...state.image.history, next],
      os: target.config.os,
      rootfs: { type: 'layers', diff_ids: layer ? [...state.image.diffIds, layer] : [...state.image.diffIds] },
    };
    return this.store.add(Buffer.from(JSON.stringify(config)), { ...(state.image.id ? { parent: state.image.id } : {}), buildStep: true });
  }
}

function isValidParent(parentHistory: HistoryEntry[], parentDiffs: string[], history: HistoryEntry[], diffs: string[]): boolean {
  if (parentHistory.length >= history.length || parentDiffs.length > diffs.length) return false;
  return parentHistory.every((h, i) => isDeepStrictEqual(h, history[i])) && parentDiffs.every((d, i) => d === diffs[i]);
}

/** The diff ID the history line at `index` added, or undefined for an empty-layer line. */
function layerForHistoryIndex(history: HistoryEntry[], diffs: string[], index: number): string | undefined {
  if (history[index]?.empty_layer) return undefined;
  let layer = 0;
  for (let i = 0; i < index; i++) if (!history[i].empty_layer) layer++;
  return diffs[layer];
}
