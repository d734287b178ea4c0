// Containers view nodes from GET /containers/json, grouped by Compose project or not at all.
import { targetFromLabels } from '../compose/compose-target.js';
import { escapeMarkdown, portMappings, portsText } from './format.js';
import type { ContainerRef, ViewNode } from './view-node.js';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';

export type ContainerGrouping = 'composeProject' | 'none';

/** The fields of a /containers/json entry the view reads. */
export interface ContainerSummary {
  Id: string;
  Names?: string[] | null;
  Image?: string;
  ImageID?: string;
  Command?: string;
  Created?: number;
  State?: string;
  Status?: string;
  Ports?: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[] | null;
  Labels?: Record<string, string> | null;
}

const STATE_ICONS: Record<string, { icon: string; color?: string }> = {
  running: { icon: 'vm-running', color: 'charts.green' },
  paused: { icon: 'debug-pause', color: 'charts.yellow' },
  restarting: { icon: 'sync~spin', color: 'charts.yellow' },
  created: { icon: 'vm-outline' },
  exited: { icon: 'vm-outline' },
  removing: { icon: 'trash' },
  dead: { icon: 'error', color: 'charts.red' },
};

export function containerName(c: ContainerSummary): string {
  const n = c.Names?.[0] ?? '';
  return n.startsWith('/') ? n.slice(1) : n || c.Id.slice(0, 12);
}

export function containerNode(c: ContainerSummary, stats?: string): ViewNode {
  return nodeOf(c, stats);
}

function nodeOf(c: ContainerSummary, stats: string | undefined): ViewNode {
  const state = (c.State ?? 'unknown').toLowerCase();
  const ports = portMappings(c.Ports);
  const name = containerName(c);
  const image = c.Image ?? '';
  const ref: ContainerRef = { kind: 'container', id: c.Id, name, image, state, ports };
  const exitedBadly = state === 'exited' && /Exited \((?!0\))\d+\)/.test(c.Status ?? '');
  const look = exitedBadly ? { icon: 'vm-outline', color: 'charts.red' } : STATE_ICONS[state] ?? { icon: 'vm-outline' };
  const published = ports.some((p) => p.publicPort);
  const description = containerDescription(c, stats);
  return {
    id: `container:${c.Id}`,
    label: name,
    description,
    icon: look.icon,
    iconColor: look.color,
    // `.ports` marks a container with published ports, for Open in Browser.
    contextValue: `container.${state}${published ? '.ports' : ''}`,
    tooltip: () => containerTooltip(c, ref),
    resource: ref,
  };
}

/** Status and ports first (a narrow side bar cuts the end off; the image is in the tooltip), after the stats when shown. */
export function containerDescription(c: ContainerSummary, stats?: string): string {
  const state = (c.State ?? 'unknown').toLowerCase();
  // Stats (berth.containers.showStats) first, as the one thing the user asked to see: `3% · 45 MB  ·  Up 5 minutes`.
  return [state === 'running' ? stats : undefined, c.Status ?? state, portsText(portMappings(c.Ports)), c.Image ?? ''].filter(Boolean).join('  ·  ');
}

function containerTooltip(c: ContainerSummary, r: ContainerRef): string {
  const lines = [
    `**${escapeMarkdown(r.name)}**  \`${r.id.slice(0, 12)}\``,
    '',
    `Image: \`${r.image}\`  `,
    `State: ${escapeMarkdown(r.state)} (${escapeMarkdown(c.Status ?? '')})  `,
  ];
  if (c.Command) lines.push(`Command: \`${c.Command.replace(/`/g, "'")}\`  `);
  if (r.ports.length) {
    lines.push('Ports:  ');
    for (const p of r.ports) {
      lines.push(p.publicPort ? `- ${p.ip || '0.0.0.0'}:${p.publicPort} → ${p.privatePort}/${p.type}` : `- ${p.privatePort}/${p.type} (not published)`);
    }
  }
  const project = c.Labels?.[COMPOSE_PROJECT_LABEL];
  if (project) lines.push(`Compose: ${escapeMarkdown(project)} / ${escapeMarkdown(c.Labels?.[COMPOSE_SERVICE_LABEL] ?? '?')}  `);
  if (c.Created) lines.push(`Created: ${new Date(c.Created * 1000).toLocaleString()}`);
  return lines.join('\n');
}

/**
 * The top level of the Containers view: one node per Compose project (with its containers as children)
 * first, then the containers that belong to no project. Newest first inside each level.
 */
export function containerTree(list: readonly ContainerSummary[], grouping: ContainerGrouping, statsText: (id: string) => string | undefined = () => undefined): ViewNode[] {
  const sorted = [...list].sort((a, b) => (b.Created ?? 0) - (a.Created ?? 0) || containerName(a).localeCompare(containerName(b)));
  const containerNode = (c: ContainerSummary): ViewNode => nodeOf(c, statsText(c.Id));
  if (grouping === 'none') return sorted.map(containerNode);
  const groups = new Map<string, ContainerSummary[]>();
  const loose: ViewNode[] = [];
  for (const c of sorted) {
    const project = c.Labels?.[COMPOSE_PROJECT_LABEL];
    if (!project) {
      loose.push(containerNode(c));
      continue;
    }
    let g = groups.get(project);
    if (!g) groups.set(project, (g = []));
    g.push(c);
  }
  const groupNodes = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([project, members]): ViewNode => {
      const running = members.filter((m) => (m.State ?? '').toLowerCase() === 'running').length;
      return {
        id: `compose:${project}`,
        label: project,
        description: `${running}/${members.length} running`,
        icon: 'layers',
        iconColor: running ? 'charts.green' : undefined,
        contextValue: running ? 'containerGroup.running' : 'containerGroup',
        tooltip: () => `Compose project **${escapeMarkdown(project)}**: ${running} of ${members.length} containers running`,
        children: members.map(containerNode),
        expanded: true,
        // The newest container's labels: after an `up` from other files, those are the project's files now.
        compose: targetFromLabels(members[0].Labels ?? {}),
      };
    });
  return [...groupNodes, ...loose];
}
