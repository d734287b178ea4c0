// The project's networks and volumes: created with Compose's labels when missing, external ones
// required to exist, and removed by `down`.
import type { ComposeEngine } from '../engine/engine';
import { EngineError } from '../engine/engine';
import type { ComposeProject } from '../model/types';
import { COMPOSE_VERSION, LABEL, projectFilter } from './labels';
import type { RunnerOutput } from './output';
import { RunError } from './run-error';

/** Creates what the given services use (all the project's networks and volumes when undefined). */
export async function ensureNetworks(engine: ComposeEngine, project: ComposeProject, used: ReadonlySet<string>, out: RunnerOutput): Promise<void> {
  for (const [key, net] of Object.entries(project.networks)) {
    if (!used.has(key)) continue;
    const existing = await engine.inspectNetwork(net.name);
    if (net.external) {
      if (!existing) throw new RunError(`network ${net.name} declared as external, but could not be found: create it first (docker network create ${net.name})`);
      continue;
    }
    if (existing) {
      const owner = existing.Labels?.[LABEL.project];
      if (owner !== undefined && owner !== project.name) out.warn(`a network with name ${net.name} exists but was not created for project "${project.name}". Set \`external: true\` to use an existing network`);
      continue;
    }
    out.progress('Network', net.name, 'Creating');
    try {
      await engine.createNetwork({
        Name: net.name,
        Driver: net.driver,
        Internal: net.internal,
        Labels: { ...net.labels, [LABEL.project]: project.name, [LABEL.network]: key, [LABEL.version]: COMPOSE_VERSION },
        ...(net.subnet ? { IPAM: { Config: [{ Subnet: net.subnet }] } } : {}),
      });
    } catch (e) {
      throw new RunError(`cannot create network ${net.name}: ${(e as Error).message}`);
    }
    out.progress('Network', net.name, 'Created');
  }
}

export async function ensureVolumes(engine: ComposeEngine, project: ComposeProject, used: ReadonlySet<string>, out: RunnerOutput): Promise<void> {
  for (const [key, vol] of Object.entries(project.volumes)) {
    if (!used.has(key)) continue;
    const existing = await engine.inspectVolume(vol.name);
    if (vol.external) {
      if (!existing) throw new RunError(`external volume "${vol.name}" not found: create it first (docker volume create ${vol.name})`);
      continue;
    }
    if (existing) {
      const owner = existing.Labels?.[LABEL.project];
      if (owner !== undefined && owner !== project.name) out.warn(`volume "${vol.name}" already exists but was not created for project "${project.name}". Use \`external: true\` to use an existing volume`);
      continue;
    }
    out.progress('Volume', vol.name, 'Creating');
    try {
      await engine.createVolume({ Name: vol.name, Driver: vol.driver, Labels: { ...vol.labels, [LABEL.project]: project.name, [LABEL.volume]: key, [LABEL.version]: COMPOSE_VERSION } });
    } catch (e) {
      throw new RunError(`cannot create volume ${vol.name}: ${(e as Error).message}`);
    }
    out.progress('Volume', vol.name, 'Created');
  }
}

/**
 * The project's networks on the engine: those carrying its label (the ones it created), removed
 * together, each by the ID the listing gave (no inspect per name). A network of the model without
 * the label was not made by this project and stays.
 */
export async function removeNetworks(engine: ComposeEngine, project: ComposeProject, out: RunnerOutput): Promise<void> {
  const own = (await engine.listNetworks([projectFilter(project.name)])).filter((n) => n.Labels?.[LABEL.project] === project.name);
  await Promise.all(own.map(async (n) => {
    out.progress('Network', n.Name, 'Removing');
    try {
      await engine.removeNetwork(n.Id);
    } catch (e) {
      if (e instanceof EngineError && e.statusCode === 404) return;
      throw new RunError(`cannot remove network ${n.Name}: ${(e as Error).message}`);
    }
    out.progress('Network', n.Name, 'Removed');
  }));
}

export async function removeVolumes(engine: ComposeEngine, project: ComposeProject, out: RunnerOutput): Promise<void> {
  const labelled = (await engine.listVolumes([projectFilter(project.name)])).filter((v) => v.Labels?.[LABEL.project] === project.name);
  const names = new Set(labelled.map((v) => v.Name));
  for (const vol of Object.values(project.volumes)) if (!vol.external) names.add(vol.name);
  for (const name of names) {
    const v = await engine.inspectVolume(name);
    if (!v || v.Labels?.[LABEL.project] !== project.name) continue;
    out.progress('Volume', name, 'Removing');
    try {
      await engine.removeVolume(name);
    } catch (e) {
      if (e instanceof EngineError && e.statusCode === 404) continue;
      throw new RunError(`cannot remove volume ${name}: ${(e as Error).message}`);
    }
    out.progress('Volume', name, 'Removed');
  }
}
