// What the engine holds of a project: its containers, found by Compose's labels (never by name, so
// containers docker compose made are found too).
import type { ComposeEngine, ContainerSummary } from '../engine/engine';
import { LABEL, projectFilter } from './labels';

/** A container the runner made or found, as later steps (waiting, logs) need it. */
export interface ContainerRef {
  readonly id: string;
  readonly name: string;
  readonly service: string;
}

export interface ServiceContainer {
  readonly summary: ContainerSummary;
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly number: number;
  readonly oneoff: boolean;
  readonly hash: string;
  readonly running: boolean;
}

export async function projectContainers(engine: ComposeEngine, project: string, opts: { all: boolean; oneoff?: boolean }): Promise<ServiceContainer[]> {
  const list = await engine.listContainers({ all: opts.all, labels: [projectFilter(project)] });
  return list
    // Engines that ignore a label filter still give the right answer.
    .filter((c) => c.Labels?.[LABEL.project] === project)
    .map((c) => ({
      summary: c,
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      service: c.Labels[LABEL.service] ?? '',
      number: Number(c.Labels[LABEL.number] ?? 0),
      oneoff: c.Labels[LABEL.oneoff] === 'True',
      hash: c.Labels[LABEL.configHash] ?? '',
      running: c.State === 'running' || c.State === 'restarting',
    }))
    .filter((c) => opts.oneoff === undefined || c.oneoff === opts.oneoff)
    .sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : a.number - b.number));
}

export function byService(containers: readonly ServiceContainer[]): Map<string, ServiceContainer[]> {
  const m = new Map<string, ServiceContainer[]>();
  for (const c of containers) m.set(c.service, [...(m.get(c.service) ?? []), c]);
  return m;
}
