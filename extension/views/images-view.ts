// The Images view: repositories, their tags below; dangling images only when berth.images.showDangling is on.
import type Dockerode from 'dockerode';
import { imageTree, type ImageSummary } from './image-nodes.js';
import { ResourceTreeProvider } from './resource-tree.js';
import { matchesWords, type ViewFilter } from './view-filter.js';
import type { ViewNode } from './view-node.js';

export class ImagesProvider extends ResourceTreeProvider<ImageSummary> {
  protected readonly what = 'list images';
  /** The view's filter (Filter Images...): engine filters plus words matched against tags and ids. */
  filter: ViewFilter | undefined;

  constructor(client: () => Dockerode | undefined, private readonly showDangling: () => boolean) {
    super(client);
  }

  protected async list(docker: Dockerode): Promise<ImageSummary[]> {
    return (await docker.listImages({ all: false, ...(this.filter ? { filters: this.filter.engine } : {}) })) as ImageSummary[];
  }

  protected build(raw: ImageSummary[]): ViewNode[] {
    const shown = raw.filter((i) => matchesWords(this.filter, [...(i.RepoTags ?? []), i.Id ?? '']));
    // A dangling=true filter asks for exactly what the view hides by default.
    return imageTree(shown, { showDangling: this.showDangling() || this.filter?.engine.dangling?.[0] === 'true', nowMs: Date.now() });
  }
}
