// Creates the Containers, Images, Volumes and Networks views and refreshes them from engine events.
import type Dockerode from 'dockerode';
import * as vscode from 'vscode';
import { containerGrouping, GROUP_BY_SETTING, SHOW_DANGLING_SETTING, SHOW_STATS_SETTING, showContainerStats, showDanglingImages } from '../config.js';
import type { ResourceKind } from '../engine/resource-events.js';
import { BriefStatsPoller } from '../stats/stats-brief.js';
import type { StatsJson } from '../stats/stats-sample.js';
import { ContainersProvider } from './containers-view.js';
import { ImagesProvider } from './images-view.js';
import { NetworksProvider } from './networks-view.js';
import type { ResourceTreeProvider } from './resource-tree.js';
import type { FilterKind, ViewFilter } from './view-filter.js';
import type { ViewNode } from './view-node.js';
import { VolumesProvider } from './volumes-view.js';

export const VIEW_IDS: Record<ResourceKind, string> = {
  container: 'berth.containers',
  image: 'berth.images',
  volume: 'berth.volumes',
  network: 'berth.networks',
};

export class ResourceViews implements vscode.Disposable {
  readonly containers: ContainersProvider;
  readonly images: ImagesProvider;
  readonly volumes: VolumesProvider;
  readonly networks: NetworksProvider;
  private readonly views = new Map<ResourceKind, vscode.TreeView<ViewNode>>();
  private readonly disposables: vscode.Disposable[] = [];
  /** berth.containers.showStats: samples running containers while the Containers view is visible. */
  private readonly stats: BriefStatsPoller;

  constructor(client: () => Dockerode | undefined, builtHere: (imageId: string) => boolean = () => false) {
    this.stats = new BriefStatsPoller({
      running: () => this.containers.runningIds(),
      stats: async (id, signal) => {
        const docker = client();
        if (!docker) throw new Error('no engine');
        return (await docker.getContainer(id).stats({ stream: false, abortSignal: signal } as { stream: false })) as StatsJson;
      },
    }, () => this.containers.statsChanged());
    this.containers = new ContainersProvider(client, containerGrouping, () =>
      vscode.workspace.getConfiguration('berth').get<boolean>('containers.workspaceOnly', false)
        ? { folders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), builtHere }
        : undefined, (id) => this.stats.text(id));
    this.images = new ImagesProvider(client, showDanglingImages);
    this.volumes = new VolumesProvider(client);
    this.networks = new NetworksProvider(client);
    for (const [kind, provider] of this.providers()) {
      const view = vscode.window.createTreeView(VIEW_IDS[kind], {
        treeDataProvider: provider,
        canSelectMany: true,
        showCollapseAll: kind === 'container' || kind === 'image',
      });
      this.views.set(kind, view);
      this.disposables.push(view, provider);
    }
    void vscode.commands.executeCommand('setContext', 'berth.images.showDangling', showDanglingImages());
    const containersView = this.views.get('container')!;
    const statsWanted = (): void => this.stats.setActive(showContainerStats() && containersView.visible);
    statsWanted();
    this.disposables.push(
      this.stats,
      containersView.onDidChangeVisibility(statsWanted),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SHOW_STATS_SETTING)) statsWanted();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(GROUP_BY_SETTING) || e.affectsConfiguration('berth.containers.workspaceOnly')) this.containers.rebuild();
        if (e.affectsConfiguration(SHOW_DANGLING_SETTING)) {
          void vscode.commands.executeCommand('setContext', 'berth.images.showDangling', showDanglingImages());
          this.images.rebuild();
        }
      }),
    );
  }

  provider(kind: ResourceKind): ResourceTreeProvider<unknown> {
    return this.providers().find(([k]) => k === kind)![1];
  }

  /** The selection in a view, for commands run from the palette or a keybinding. */
  selection(kind: ResourceKind): readonly ViewNode[] {
    return this.views.get(kind)?.selection ?? [];
  }

  /** Filters the Containers or Images view (undefined clears it); the view's title says what is filtered. */
  setFilter(kind: FilterKind, filter: ViewFilter | undefined): void {
    const provider = kind === 'container' ? this.containers : this.images;
    provider.filter = filter;
    const view = this.views.get(kind);
    if (view) view.description = filter ? `filter: ${filter.text}` : undefined;
    void vscode.commands.executeCommand('setContext', `berth.${kind}s.filtered`, !!filter);
    provider.refresh();
  }

  filterOf(kind: FilterKind): ViewFilter | undefined {
    return (kind === 'container' ? this.containers : this.images).filter;
  }

  refresh(kinds: Iterable<ResourceKind>): void {
    for (const k of kinds) this.provider(k).refresh();
  }

  refreshAll(): void {
    this.refresh(['container', 'image', 'volume', 'network']);
  }

  private providers(): [ResourceKind, ResourceTreeProvider<unknown>][] {
    return [
      ['container', this.containers as ResourceTreeProvider<unknown>],
      ['image', this.images as ResourceTreeProvider<unknown>],
      ['volume', this.volumes as ResourceTreeProvider<unknown>],
      ['network', this.networks as ResourceTreeProvider<unknown>],
    ];
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
