// The Volumes view.
import type Dockerode from 'dockerode';
import { ResourceTreeProvider } from './resource-tree.js';
import type { ViewNode } from './view-node.js';
import { volumeTree, type VolumeSummary } from './volume-nodes.js';

export class VolumesProvider extends ResourceTreeProvider<VolumeSummary> {
  protected readonly what = 'list volumes';

  protected async list(docker: Dockerode): Promise<VolumeSummary[]> {
    const reply = (await docker.listVolumes()) as { Volumes?: VolumeSummary[] | null };
    return reply.Volumes ?? [];
  }

  protected build(raw: VolumeSummary[]): ViewNode[] {
    return volumeTree(raw);
  }
}
