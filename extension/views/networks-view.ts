// The Networks view.
import type Dockerode from 'dockerode';
import { networkTree, type NetworkSummary } from './network-nodes.js';
import { ResourceTreeProvider } from './resource-tree.js';
import type { ViewNode } from './view-node.js';

export class NetworksProvider extends ResourceTreeProvider<NetworkSummary> {
  protected readonly what = 'list networks';

  protected async list(docker: Dockerode): Promise<NetworkSummary[]> {
    return (await docker.listNetworks()) as NetworkSummary[];
  }

  protected build(raw: NetworkSummary[]): ViewNode[] {
    return networkTree(raw);
  }
}
