// Networks view nodes from GET /networks.
import { escapeMarkdown } from './format.js';
import type { ViewNode } from './view-node.js';

export interface NetworkSummary {
  Id: string;
  Name: string;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] | null } | null;
  Created?: string;
}

/** The networks every engine has; they cannot be removed. */
export const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none']);

export function networkTree(list: readonly NetworkSummary[]): ViewNode[] {
  return [...list]
    .sort((a, b) => Number(BUILTIN_NETWORKS.has(b.Name)) - Number(BUILTIN_NETWORKS.has(a.Name)) || a.Name.localeCompare(b.Name))
    .map((n) => {
      const builtin = BUILTIN_NETWORKS.has(n.Name);
      const subnets = (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => Boolean(s));
      return {
        id: `network:${n.Id}`,
        label: n.Name,
        description: [n.Driver ?? '', subnets.join(', ')].filter(Boolean).join('  ·  '),
        icon: builtin ? 'globe' : 'type-hierarchy',
        contextValue: builtin ? 'network.builtin' : 'network',
        tooltip: () =>
          [
            `**${escapeMarkdown(n.Name)}**  \`${n.Id.slice(0, 12)}\`  `,
            `Driver: ${escapeMarkdown(n.Driver ?? '')}${n.Internal ? ' (internal)' : ''}  `,
            subnets.length ? `Subnets: ${subnets.map((s) => `\`${s}\``).join(', ')}  ` : '',
            builtin ? 'Built in: cannot be removed.' : '',
          ]
            .filter(Boolean)
            .join('\n'),
        resource: { kind: 'network', id: n.Id, name: n.Name, builtin },
      } satisfies ViewNode;
    });
}
