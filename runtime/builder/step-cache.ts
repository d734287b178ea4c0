// The step cache: a step is cached when an image exists whose parent is the current image and whose
// container config (the step's command with its expanded arguments, build args, and for COPY/ADD the
// content hash of the copied files) equals the one this step would run with. Step images live in
// the image store with their parent recorded, so the index is rebuilt from the store after a
// restart; entries whose image was removed are dropped on lookup.
import { createHash } from 'node:crypto';
import type { ImageEntry, ImageStore } from '../images/image-store.js';
import { cacheIdentity, runConfigFrom, type RunConfig } from './run-config.js';

export class StepCache {
  private index: Map<string, string> | undefined;

  constructor(private readonly store: ImageStore) {}

  static key(parentId: string, containerConfig: RunConfig): string {
    return createHash('sha256').update(`${parentId}\n${cacheIdentity(containerConfig)}`).digest('hex');
  }

  lookup(parentId: string, containerConfig: RunConfig): ImageEntry | undefined {
    const index = this.ensureIndex();
    const key = StepCache.key(parentId, containerConfig);
    const id = index.get(key);
    if (!id) return undefined;
    const entry = this.store.get(id);
    if (!entry) index.delete(key);
    return entry;
  }

  record(parentId: string, containerConfig: RunConfig, imageId: string): void {
    this.ensureIndex().set(StepCache.key(parentId, containerConfig), imageId);
  }

  private ensureIndex(): Map<string, string> {
    if (this.index) return this.index;
    const index = new Map<string, string>();
    for (const e of this.store.list()) {
      const cc = e.config.container_config;
      if (!cc || !Array.isArray(cc.Cmd) || !cc.Cmd.length) continue;
      const parent = e.record.parent ?? '';
      // An image without a recorded parent can only be the first step on scratch.
      if (!parent && (e.config.history?.length ?? 0) !== 1) continue;
      index.set(StepCache.key(parent, runConfigFrom(cc)), e.id);
    }
    this.index = index;
    return index;
  }
}
