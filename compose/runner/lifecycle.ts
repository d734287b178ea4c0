// start, stop and restart of the containers a project already has (dependencies first when starting,
// last when stopping).
import type { ComposeEngine } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import type { RunnerOutput } from './output';
import { projectContainers } from './project-state';
import { RunError } from './run-error';
import { selectServices } from './up';

type Verb = 'start' | 'stop' | 'restart';

export async function lifecycle(engine: ComposeEngine, project: ComposeProject, verb: Verb, names: readonly string[], out: RunnerOutput, timeoutSeconds?: number): Promise<void> {
  const chosen = selectServices(project, names, false).map((s) => s.name);
  // restart SERVICE also restarts the services that depend on it with `restart: true`.
  const order = verb === 'restart' && names.length > 0 ? withDependents(project, chosen) : chosen;
  const containers = await projectContainers(engine, project.name, { all: true, oneoff: false });
  if (verb === 'start' && names.length > 0 && !containers.some((c) => names.includes(c.service))) {
    throw new RunError(`service "${names[0]}" has no container to start`);
  }
  const services = verb === 'stop' ? [...order].reverse() : order;
  for (const svc of services) {
    for (const c of containers.filter((x) => x.service === svc)) {
      const grace = timeoutSeconds ?? project.services[svc]?.stopGracePeriodSeconds;
      try {
        if (verb === 'start') {
          if (c.running) continue;
          out.progress('Container', c.name, 'Starting');
          await engine.startContainer(c.id);
          out.progress('Container', c.name, 'Started');
        } else if (verb === 'stop') {
          if (!c.running) continue;
          out.progress('Container', c.name, 'Stopping');
          await engine.stopContainer(c.id, grace);
          out.progress('Container', c.name, 'Stopped');
        } else {
          out.progress('Container', c.name, 'Restarting');
          await engine.restartContainer(c.id, grace);
          out.progress('Container', c.name, 'Started');
        }
      } catch (e) {
        throw new RunError(`cannot ${verb} service "${svc}" (container ${c.name}): ${(e as Error).message}`);
      }
    }
  }
}

function withDependents(project: ComposeProject, names: readonly string[]): string[] {
  const out = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of Object.values(project.services)) {
      if (out.has(s.name)) continue;
      if (Object.entries(s.dependsOn).some(([d, dep]) => dep.restart && out.has(d))) { out.add(s.name); grew = true; }
    }
  }
  return selectServices(project, [...out], false).map((s) => s.name);
}
