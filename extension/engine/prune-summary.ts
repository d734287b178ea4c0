// What a prune removed, in one sentence, from the replies of POST /{containers,images,volumes,networks}/prune.
import { humanSize } from '../views/format.js';

export type PruneScope = 'containers' | 'images' | 'volumes' | 'networks';

export interface PruneReply {
  ContainersDeleted?: string[] | null;
  ImagesDeleted?: { Untagged?: string; Deleted?: string }[] | null;
  VolumesDeleted?: string[] | null;
  NetworksDeleted?: string[] | null;
  SpaceReclaimed?: number;
}

export function pruneCount(scope: PruneScope, r: PruneReply): number {
  switch (scope) {
    case 'containers':
      return r.ContainersDeleted?.length ?? 0;
    case 'images':
      return (r.ImagesDeleted ?? []).filter((d) => d.Deleted).length;
    case 'volumes':
      return r.VolumesDeleted?.length ?? 0;
    case 'networks':
      return r.NetworksDeleted?.length ?? 0;
  }
}

export function pruneSummary(results: readonly { scope: PruneScope; reply: PruneReply }[]): string {
  const parts = results.map(({ scope, reply }) => {
    const n = pruneCount(scope, reply);
    const noun = n === 1 ? scope.slice(0, -1) : scope;
    return `${n} ${noun}`;
  });
  const space = results.reduce((sum, r) => sum + (r.reply.SpaceReclaimed ?? 0), 0);
  return `Removed ${parts.join(', ')}${space ? `; ${humanSize(space)} reclaimed` : ''}.`;
}

export const PRUNE_DESCRIPTIONS: Record<PruneScope, string> = {
  containers: 'all stopped containers',
  images: 'dangling images (no tag, not used by a container)',
  volumes: 'all volumes no container uses, with their data',
  networks: 'all networks no container uses',
};
