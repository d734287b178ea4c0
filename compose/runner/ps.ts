// `ps`: the project's containers as docker compose lists them (a table, or one JSON object per line).
import type { ComposeEngine } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import { LABEL } from './labels';
import { projectContainers, type ServiceContainer } from './project-state';

export interface PsEntry {
  readonly ID: string;
  readonly Name: string;
  readonly Names: string;
  readonly Image: string;
  readonly Command: string;
  readonly Project: string;
  readonly Service: string;
  readonly Created: number;
  readonly State: string;
  readonly Status: string;
  readonly Health: string;
  readonly ExitCode: number;
  readonly Labels: string;
  readonly Publishers: readonly { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[];
}

export async function ps(engine: ComposeEngine, project: ComposeProject, opts: { all: boolean; services: readonly string[] }): Promise<PsEntry[]> {
  const list = await projectContainers(engine, project.name, { all: opts.all, oneoff: false });
  return list.filter((c) => opts.services.length === 0 || opts.services.includes(c.service)).map(entry);
}

function entry(c: ServiceContainer): PsEntry {
  const s = c.summary;
  const health = /\((healthy|unhealthy|health: starting)\)/.exec(s.Status)?.[1]?.replace('health: ', '') ?? '';
  const exit = /^Exited \((-?\d+)\)/.exec(s.Status);
  return {
    ID: s.Id,
    Name: c.name,
    Names: c.name,
    Image: s.Image,
    Command: (s as unknown as { Command?: string }).Command ?? '',
    Project: s.Labels[LABEL.project],
    Service: c.service,
    Created: s.Created,
    State: s.State,
    Status: s.Status,
    Health: health,
    ExitCode: exit ? Number(exit[1]) : 0,
    Labels: Object.entries(s.Labels).map(([k, v]) => `${k}=${v}`).join(','),
    Publishers: (s.Ports ?? []).map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
  };
}

export function psTable(entries: readonly PsEntry[], now = Date.now()): string {
  const rows = [['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS']];
  for (const e of entries) {
    const ports = e.Publishers.filter((p) => p.PublishedPort).map((p) => `${p.URL || '0.0.0.0'}:${p.PublishedPort}->${p.TargetPort}/${p.Protocol}`).join(', ');
    const cmd = e.Command.length > 20 ? `"${e.Command.slice(0, 19)}..."` : `"${e.Command}"`;
    rows.push([e.Name, e.Image, cmd, e.Service, ago(now / 1000 - e.Created), e.Status, ports]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] + 3))).join('').trimEnd()).join('\n') + '\n';
}

/** "5 seconds ago", "About a minute ago", "3 hours ago", as the docker CLI words it. */
export function ago(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return 'Less than a second ago';
  if (s < 60) return `${s} second${s === 1 ? '' : 's'} ago`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute ago';
  if (m < 60) return `${m} minutes ago`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour ago';
  if (h < 48) return `${h} hours ago`;
  return `${Math.round(h / 24)} days ago`;
}
