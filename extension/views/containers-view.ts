// The Containers view: every container, grouped by Compose project unless berth.containers.groupBy is "none".
import type Dockerode from 'dockerode';
import { containerDescription, containerTree, type ContainerGrouping, type ContainerSummary } from './container-nodes.js';
import { ResourceTreeProvider } from './resource-tree.js';
import { matchesWords, type ViewFilter } from './view-filter.js';
import { isWorkspaceContainer } from './workspace-containers.js';
import type { ViewNode } from './view-node.js';

export class ContainersProvider extends ResourceTreeProvider<ContainerSummary> {
  protected readonly what = 'list containers';
  /** The view's filter (Filter Containers...): engine filters plus words matched against names and images. */
  filter: ViewFilter | undefined;

  constructor(
    client: () => Dockerode | undefined,
    private readonly grouping: () => ContainerGrouping,
    /** berth.containers.workspaceOnly: the workspace's folders and which images Berth built here; undefined shows all. */
    private readonly workspaceOnly: () => { folders: string[]; builtHere: (imageId: string) => boolean } | undefined = () => undefined,
    /** berth.containers.showStats: `3% · 45 MB` for a running container, when sampled. */
    private readonly statsText: (id: string) => string | undefined = () => undefined,
  ) {
    super(client);
  }

  protected async list(docker: Dockerode): Promise<ContainerSummary[]> {
    // size=false: sizes make the engine walk every container's files.
    return (await docker.listContainers({ all: true, size: false, ...(this.filter ? { filters: this.filter.engine } : {}) })) as ContainerSummary[];
  }

  /** Ids of the running containers of the last listing (for the stats description). */
  runningIds(): string[] | undefined {
    return this.cached()?.filter((c) => c.State === 'running').map((c) => c.Id);
  }

  /**
   * New stats texts: the rows' descriptions change in place, each changed row re-rendered alone. A full
   * rebuild every few seconds would replace the elements VS Code hands to commands, so a context-menu
   * command picked during one would get no container.
   */
  statsChanged(): void {
    const raw = new Map((this.cached() ?? []).map((c) => [c.Id, c]));
    for (const node of (this.builtNodes() ?? []).flatMap((n) => (n.children ? [n, ...n.children] : [n]))) {
      const c = node.resource?.kind === 'container' ? raw.get(node.resource.id) : undefined;
      if (!c) continue;
      const description = containerDescription(c, this.statsText(c.Id));
      if (description === node.description) continue;
      node.description = description;
      this.refresh(node);
    }
  }

  protected build(raw: ContainerSummary[]): ViewNode[] {
    const only = this.workspaceOnly();
    const shown = raw.filter((c) => matchesWords(this.filter, [...(c.Names ?? []), c.Image ?? '', ...Object.values(c.Labels ?? {})]) && (!only || isWorkspaceContainer(c, only.folders, only.builtHere)));
    return containerTree(shown, this.grouping(), this.statsText);
  }
}
