// `docker builder prune`: removes the step images no build result is made of (untagged build-step
// images without children, repeatedly, so whole abandoned chains go). With `all`, also the step
// cache behind tagged results: every untagged build-step image nothing depends on.
import type { ImageService } from '../images/image-service.js';

export interface PruneReport {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

export async function pruneBuildSteps(images: ImageService, all: boolean): Promise<PruneReport> {
  const store = images.store;
  const deleted: string[] = [];
  let reclaimed = 0;
  let progress = true;
  while (progress) {
    progress = false;
    for (const e of store.list()) {
      if (!e.record.buildStep && !all) continue;
      if (!e.record.buildStep && !e.record.parent) continue;
      if (store.refsOf(e.id).length || store.childrenOf(e.id).length || images.imageUsage.isImageInUse(e.id)) continue;
      if (!e.record.buildStep && !e.config.container_config) continue;
      reclaimed += await store.delete(e.id);
      deleted.push(e.id);
      progress = true;
    }
  }
  return { CachesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
