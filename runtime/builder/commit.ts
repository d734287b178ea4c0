// Turns a step into an image: an optional new layer (a tar of the step's changes, which the layer
// store unpacks once per chain ID) and a child image config in Docker's shape: the run config, the
// step's container config, history with `created_by` and `empty_layer`, the parent's rootfs plus
// the new diff ID. Every step image is a real image with its parent recorded, which is what makes
// the step cache survive restarts.
import type { Readable } from 'node:stream';
import { ENGINE_VERSION } from '../api/server.js';
import type { HistoryEntry } from '../images/image-config.js';
import type { ImageEntry, ImageStore } from '../images/image-store.js';
import type { LayerStore } from '../layers/layer-store.js';
import { toDockerJson, type RunConfig } from './run-config.js';
import type { StageState } from './stage-state.js';

/** sha256 of a tar with no entries (1024 zero bytes): Docker's empty layer. */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface CommitRequest {
  /** The config the step ran with: its Cmd becomes the history's created_by. */
  containerConfig: RunConfig;
  /** ID of the step's (possibly virtual) container. */
  containerId?: string;
  /** The step's changes as a layer tar; undefined for a step without filesystem changes. */
  layer?: Readable;
}

export class StepCommitter {
  constructor(private readonly store: ImageStore, private readonly layers: LayerStore) {}

  async commit(state: StageState, req: CommitRequest): Promise<ImageEntry> {
    const parent = state.image;
    let diffIds = parent.diffIds;
    let emptyLayer = true;
    if (req.layer) {
      const layer = await this.layers.create(req.layer, { parent: parent.topChainId });
      if (layer.diffId !== EMPTY_LAYER_DIFF_ID) {
        diffIds = [...diffIds, layer.diffId];
        emptyLayer = false;
      }
    }
    const created = new Date().toISOString();
    const entry: HistoryEntry = { created };
    if (state.maintainer) entry.author = state.maintainer;
    entry.created_by = (req.containerConfig.Cmd ?? []).join(' ');
    if (emptyLayer) entry.empty_layer = true;
    const config: Record<string, unknown> = {
      architecture: parent.architecture,
      ...(state.maintainer ? { author: state.maintainer } : {}),
      config: toDockerJson(state.runConfig),
      ...(req.containerId ? { container: req.containerId } : {}),
      container_config: toDockerJson(req.containerConfig),
      created,
      docker_version: ENGINE_VERSION,
      history: [...parent.history, entry],
      os: parent.os,
      rootfs: { type: 'layers', diff_ids: diffIds },
      ...(parent.variant ? { variant: parent.variant } : {}),
    };
    return this.store.add(Buffer.from(JSON.stringify(config)), { ...(parent.id ? { parent: parent.id } : {}), buildStep: true });
  }
}
