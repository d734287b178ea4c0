// docker system df's SharedSize: the bytes of an image's layers that another image also uses (Docker
// counts a layer as shared when more than one image's chain holds it). The CLI's UNIQUE SIZE and
// RECLAIMABLE are computed from it: with -1 an image in use counted as wholly reclaimable.
import type { ImageEntry } from './image-store.js';

export function sharedSizes(images: readonly ImageEntry[], layerSize: (chainId: string) => number): Map<string, number> {
  const users = new Map<string, number>();
  for (const img of images) for (const c of new Set(img.chainIds)) users.set(c, (users.get(c) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const img of images) {
    let shared = 0;
    for (const c of new Set(img.chainIds)) if ((users.get(c) ?? 0) > 1) shared += layerSize(c);
    out.set(img.id, shared);
  }
  return out;
}
