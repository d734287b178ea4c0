// Volumes view nodes from GET /volumes.
import { escapeMarkdown } from './format.js';
import type { ViewNode } from './view-node.js';

export interface VolumeSummary {
  Name: string;
  Driver?: string;
  Mountpoint?: string;
  CreatedAt?: string;
  Labels?: Record<string, string> | null;
  Scope?: string;
}

export function volumeTree(list: readonly VolumeSummary[]): ViewNode[] {
  return [...list]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((v) => {
      // Anonymous volumes are named by 64 hex digits; the short form is enough to tell them apart.
      const anonymous = /^[0-9a-f]{64}$/.test(v.Name);
      return {
        id: `volume:${v.Name}`,
        label: anonymous ? v.Name.slice(0, 12) : v.Name,
        description: [v.Driver ?? 'local', v.Labels?.['com.docker.compose.project'] ?? ''].filter(Boolean).join('  ·  '),
        icon: 'database',
        contextValue: 'volume',
        tooltip: () =>
          [`**${escapeMarkdown(v.Name)}**  `, `Driver: ${escapeMarkdown(v.Driver ?? 'local')}  `, v.Mountpoint ? `Mountpoint: \`${v.Mountpoint}\`  ` : '', v.CreatedAt ? `Created: ${v.CreatedAt}` : '']
            .filter(Boolean)
            .join('\n'),
        resource: { kind: 'volume', name: v.Name },
      } satisfies ViewNode;
    });
}
