// `down`: the project's containers (one-off ones too) stopped and removed, then its networks; with
// -v its named volumes and the containers' anonymous ones; with --rmi its images.
import type { ComposeEngine } from '../engine/engine';
import { EngineError } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import { imageRef } from './images';
import type { RunnerOutput } from './output';
import { projectContainers } from './project-state';
import { removeNetworks, removeVolumes } from './resources';
import { RunError } from './run-error';

export interface DownOptions {
  readonly volumes: boolean;
  readonly removeOrphans: boolean;
  /** local: images built for services without an `image:`; all: every service's image. */
  readonly rmi?: 'local' | 'all';
  readonly timeoutSeconds?: number;
}

export async function down(engine: ComposeEngine, project: ComposeProject, opts: DownOptions, out: RunnerOutput): Promise<void> {
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]);
  const containers = await projectContainers(engine, project.name, { all: true });
  const orphans = containers.filter((c) => !known.has(c.service) && !c.oneoff);
  if (orphans.length && !opts.removeOrphans) {
    out.warn(`Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  const doomed = containers.filter((c) => known.has(c.service) || c.oneoff || opts.removeOrphans);
  // Every container stopped (each may wait out its grace period) and removed at once, as Compose
  // does; the networks go when no container uses them any more.
  await Promise.all(doomed.map(async (c) => {
    if (c.running) {
      out.progress('Container', c.name, 'Stopping');
      await engine.stopContainer(c.id, opts.timeoutSeconds ?? stopGrace(project, c.service));
      out.progress('Container', c.name, 'Stopped');
    }
    out.progress('Container', c.name, 'Removing');
    try {
      await engine.removeContainer(c.id, { force: true, volumes: opts.volumes });
    } catch (e) {
      if (!(e instanceof EngineError && e.statusCode === 404)) throw new RunError(`cannot remove container ${c.name}: ${(e as Error).message}`);
    }
    out.progress('Container', c.name, 'Removed');
  }));
  await removeNetworks(engine, project, out);
  if (opts.volumes) await removeVolumes(engine, project, out);
  if (opts.rmi) {
    const all = { ...project.disabledServices, ...project.services };
    const refs = new Set(Object.values(all).filter((s) => opts.rmi === 'all' || s.image === undefined).map((s) => imageRef(project, s)));
    for (const ref of refs) {
      if (!(await engine.inspectImage(ref))) continue;
      out.progress('Image', ref, 'Removing');
      try {
        await engine.removeImage(ref);
      } catch (e) {
        out.warn(`cannot remove image ${ref}: ${(e as Error).message}`);
        continue;
      }
      out.progress('Image', ref, 'Removed');
    }
  }
}

function stopGrace(project: ComposeProject, service: string): number | undefined {
  return (project.services[service] ?? project.disabledServices[service])?.stopGracePeriodSeconds;
}
