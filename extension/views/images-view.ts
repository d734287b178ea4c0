// The Images view: repositories, their tags below; dangling images only when berth.images.showDangling is on.
import type Dockerode from 'dockerode';
import { imageTree, type ImageSummary } from './image-nodes.js';
import { ResourceTreeProvider } from './resource-tree.js';
import type { ViewNode } from './view-node.js';

export class ImagesProvider extends ResourceTreeProvider<ImageSummary> {
  protected readonly what = 'list images';

  constructor(client: () => Dockerode | undefined, private readonly showDangling: () => boolean) {
    super(client);
  }

  protected async list(docker: Dockerode): Promise<ImageSummary[]> {
    return (await docker.listImages({ all: false })) as ImageSummary[];
  }

  protected build(raw: ImageSummary[]): ViewNode[] {
    return imageTree(raw, { showDangling: this.showDangling(), nowMs: Date.now() });
  }
}
