// `up`: networks and volumes, images, then each service in dependency order: wait for what it depends
// on, recreate the containers whose config hash (or image) changed, create the missing ones, remove the
// surplus, start. Orphans (services no longer in the files) are removed with --remove-orphans.
import type { ComposeEngine } from '../engine/engine';
import { startOrder, withDependencies } from '../model/dependency-order';
import type { ComposeProject, ServiceConfig } from '../model/types';
import { configHash } from './config-hash';
import { containerPlan } from './container-spec';
import { ensureImages, inspectImages, type ServiceImage } from './images';
import { containerName, LABEL } from './labels';
import type { RunnerOutput } from './output';
import { byService, projectContainers, type ContainerRef, type ServiceContainer } from './project-state';
import { ensureNetworks, ensureVolumes } from './resources';
import { RunError } from './run-error';
import { waitForCondition, waitReady } from './wait';

export interface UpOptions {
  /** Services named on the command line; empty: all enabled ones. */
  readonly services: readonly string[];
  readonly build: boolean;
  /** --no-build */
  readonly noBuild?: boolean;
  readonly forceRecreate: boolean;
  readonly noRecreate: boolean;
  readonly removeOrphans: boolean;
  readonly noDeps: boolean;
  readonly wait: boolean;
  readonly waitTimeoutSeconds?: number;
  /** false: create only (docker compose create). */
  readonly start: boolean;
}

export interface UpResult {
  /** The containers of the services brought up, in start order. */
  readonly containers: readonly ContainerRef[];
}

/** The services an operation concerns: those named (enabled or not: naming one enables it) or all enabled. */
export function selectServices(project: ComposeProject, names: readonly string[], withDeps: boolean): ServiceConfig[] {
  const all = { ...project.disabledServices, ...project.services };
  for (const n of names) if (!(n in all)) throw new RunError(`no such service: ${n}`);
  const chosen = names.length === 0 ? Object.keys(project.services) : withDeps ? withDependencies(all, names) : [...names];
  const order = startOrder(Object.fromEntries(chosen.map((n) => [n, all[n]])));
  if (!order.ok) throw new RunError(`dependency cycle: ${order.cycle.join(' -> ')}`);
  return order.order.map((n) => all[n]);
}

export async function up(engine: ComposeEngine, project: ComposeProject, opts: UpOptions, out: RunnerOutput): Promise<UpResult> {
  const services = selectServices(project, opts.services, !opts.noDeps);
  const existing = await projectContainers(engine, project.name, { all: true, oneoff: false });
  await handleOrphans(engine, project, existing, opts.removeOrphans, out);

  // The images' first inspects go out beside the network and volume creation (reads only: a build or a
  // pull still begins after both, as Compose's do).
  const inspected = inspectImages(engine, project, services);
  inspected.catch(() => undefined); // awaited below, unless a network or volume fails first
  await ensureNetworks(engine, project, new Set(services.flatMap((s) => Object.keys(s.networks))), out);
  await ensureVolumes(engine, project, new Set(services.flatMap((s) => s.volumes.flatMap((v) => (v.type === 'volume' && v.source ? [v.source] : [])))), out);
  const images = await ensureImages(engine, project, services, { build: opts.build, noBuild: opts.noBuild }, out, await inspected);

  const current = byService(existing);
  const started = new Map<string, readonly ContainerRef[]>();
  const deadline = opts.waitTimeoutSeconds === undefined ? undefined : Date.now() + opts.waitTimeoutSeconds * 1000;
  const replaced = new Set<string>();
  // As docker compose does: every service's containers are created (or recreated) once those of the
  // services it depends on are, without waiting for anything to run; each service then starts as soon as
  // the services it depends on have started and meet its depends_on conditions. So creating a service
  // waiting for a dependency's health is off the critical path, and independent services go together.
  // `services` is in start order, so a dependency's tasks exist before its dependents'. After the first
  // failure no service begins a step; the first error is thrown once every task has settled, so nothing
  // is left half-made in the background.
  const creations = new Map<string, Promise<Converged | undefined>>();
  const starts = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const noteFailure = (error: unknown): never => {
    failure ??= { error };
    throw error;
  };
  for (const s of services) {
    const deps = Object.keys(s.dependsOn);
    const created = (async () => {
      await Promise.all(deps.flatMap((d) => creations.get(d) ?? []));
      if (failure) return undefined;
      // depends_on.restart: a dependency that was recreated restarts this service's running containers.
      const restart = Object.entries(s.dependsOn).some(([dep, d]) => d.restart && replaced.has(dep));
      const converged = await convergeService(engine, project, s, images.get(s.name)!, current.get(s.name) ?? [], opts, restart, out);
      if (converged.recreated) replaced.add(s.name);
      return converged;
    })().catch(noteFailure);
    creations.set(s.name, created);
    starts.set(s.name, (async () => {
      const converged = await created;
      await Promise.all(deps.flatMap((d) => starts.get(d) ?? []));
      if (failure || !converged) return;
      if (opts.start) {
        await waitForDependencies(engine, project, s, started, out);
        await startService(engine, s, converged.containers, out);
      }
      started.set(s.name, converged.containers.map(({ id, name, service }) => ({ id, name, service })));
    })().catch(noteFailure));
  }
  await Promise.allSettled([...creations.values(), ...starts.values()]);
  if (failure) throw failure.error;
  const result: ContainerRef[] = services.flatMap((s) => started.get(s.name) ?? []);
  if (opts.wait && opts.start) {
    const completing = new Set(services.flatMap((s) => Object.entries(s.dependsOn).filter(([, d]) => d.condition === 'service_completed_successfully').map(([n]) => n)));
    for (const c of result) {
      out.progress('Container', c.name, 'Waiting');
      try {
        await waitReady(engine, c, completing.has(c.service), deadline);
      } catch (e) {
        out.progress('Container', c.name, 'Error');
        throw new RunError(`${(e as Error).message}`);
      }
      out.progress('Container', c.name, completing.has(c.service) ? 'Exited' : 'Healthy');
    }
  }
  return { containers: result };
}

async function handleOrphans(engine: ComposeEngine, project: ComposeProject, existing: readonly ServiceContainer[], remove: boolean, out: RunnerOutput): Promise<void> {
  const known = new Set([...Object.keys(project.services), ...Object.keys(project.disabledServices)]);
  const orphans = existing.filter((c) => !known.has(c.service));
  if (orphans.length === 0) return;
  if (!remove) {
    out.warn(`Found orphan containers ([${orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
    return;
  }
  for (const c of orphans) {
    out.progress('Container', c.name, 'Removing');
    await engine.removeContainer(c.id, { force: true, volumes: false });
    out.progress('Container', c.name, 'Removed');
  }
}

async function waitForDependencies(engine: ComposeEngine, project: ComposeProject, s: ServiceConfig, started: Map<string, readonly ContainerRef[]>, out: RunnerOutput): Promise<void> {
  for (const [dep, d] of Object.entries(s.dependsOn)) {
    let containers = started.get(dep);
    if (!containers) {
      // Brought up earlier (up SERVICE --no-deps, or a previous up): wait on what runs now.
      containers = (await projectContainers(engine, project.name, { all: true, oneoff: false })).filter((c) => c.service === dep);
    }
    if (containers.length === 0) {
      if (!d.required) continue;
      throw new RunError(`service "${s.name}" depends on "${dep}", which has no container: bring it up too (drop --no-deps)`);
    }
    for (const c of containers) {
      const what = d.condition === 'service_healthy' ? 'Healthy' : d.condition === 'service_completed_successfully' ? 'Exited' : 'Started';
      out.progress('Container', c.name, 'Waiting');
      try {
        await waitForCondition(engine, { ...c, service: dep }, d.condition);
      } catch (e) {
        out.progress('Container', c.name, 'Error');
        if (!d.required) { out.warn(`optional dependency "${dep}" of "${s.name}" failed: ${(e as Error).message}`); continue; }
        throw new RunError(`dependency failed to start: ${(e as Error).message}`);
      }
      out.progress('Container', c.name, what);
    }
  }
}

/** A service's containers after convergence, in number order, with what its start must do to each. */
interface Converged {
  readonly containers: readonly ConvergedContainer[];
  readonly recreated: boolean;
}

interface ConvergedContainer extends ContainerRef {
  readonly running: boolean;
  /** Running, and to be restarted at the start (a depends_on restart: true dependency was recreated). */
  readonly restart: boolean;
}

/** Scale down, recreate stale containers, create missing ones: everything before the start. */
async function convergeService(
  engine: ComposeEngine,
  project: ComposeProject,
  s: ServiceConfig,
  image: ServiceImage,
  existing: readonly ServiceContainer[],
  opts: UpOptions,
  restartRunning: boolean,
  out: RunnerOutput,
): Promise<Converged> {
  const hash = configHash(s);
  let recreated = false;
  const keep: (ConvergedContainer & { number: number })[] = [];
  const sorted = [...existing].sort((a, b) => a.number - b.number);
  // Scale down: the highest numbers go first.
  for (const c of sorted.slice(s.replicas).reverse()) {
    out.progress('Container', c.name, 'Stopping');
    await engine.removeContainer(c.id, { force: true, volumes: false });
    out.progress('Container', c.name, 'Removed');
  }
  for (const c of sorted.slice(0, s.replicas)) {
    const stale = c.hash !== hash || c.summary.Labels[LABEL.image] !== image.id;
    if (!opts.noRecreate && (opts.forceRecreate || stale)) {
      out.progress('Container', c.name, 'Recreate');
      await engine.stopContainer(c.id, s.stopGracePeriodSeconds);
      await engine.removeContainer(c.id, { force: true, volumes: false });
      const id = await createContainer(engine, project, s, image, c.number, hash, c.name);
      out.progress('Container', c.name, 'Recreated');
      recreated = true;
      keep.push({ id, name: c.name, number: c.number, service: s.name, running: false, restart: false });
    } else {
      const restart = restartRunning && c.running && opts.start;
      if (!restart) out.progress('Container', c.name, c.running ? 'Running' : 'Created');
      keep.push({ id: c.id, name: c.name, number: c.number, service: s.name, running: c.running, restart });
    }
  }
  const used = new Set(keep.map((c) => c.number));
  for (let n = 1; keep.length < s.replicas; n++) {
    if (used.has(n)) continue;
    const name = s.containerName ?? containerName(project.name, s.name, n);
    out.progress('Container', name, 'Creating');
    const id = await createContainer(engine, project, s, image, n, hash, name);
    out.progress('Container', name, 'Created');
    recreated = true;
    keep.push({ id, name, number: n, service: s.name, running: false, restart: false });
  }
  keep.sort((a, b) => a.number - b.number);
  return { containers: keep, recreated };
}

/** Starts the service's containers that are not running; restarts those marked for it. */
async function startService(engine: ComposeEngine, s: ServiceConfig, containers: readonly ConvergedContainer[], out: RunnerOutput): Promise<void> {
  for (const c of containers) {
    if (c.restart) {
      out.progress('Container', c.name, 'Restarting');
      await engine.restartContainer(c.id, s.stopGracePeriodSeconds);
      out.progress('Container', c.name, 'Restarted');
      continue;
    }
    if (c.running) continue;
    out.progress('Container', c.name, 'Starting');
    try {
      await engine.startContainer(c.id);
    } catch (e) {
      out.progress('Container', c.name, 'Error');
      throw new RunError(`cannot start service "${s.name}" (container ${c.name}): ${(e as Error).message}`);
    }
    out.progress('Container', c.name, 'Started');
  }
}

export async function createContainer(engine: ComposeEngine, project: ComposeProject, s: ServiceConfig, image: ServiceImage, number: number, hash: string, name: string): Promise<string> {
  const plan = containerPlan({ project, service: s, number, name, image: image.ref, imageId: image.id, hash, oneoff: false });
  let id: string;
  try {
    id = await engine.createContainer(plan.name, plan.body);
  } catch (e) {
    throw new RunError(`cannot create container ${name} for service "${s.name}": ${(e as Error).message}`);
  }
  for (const n of plan.extraNetworks) {
    try {
      await engine.connectNetwork(n.network, id, n.aliases);
    } catch (e) {
      throw new RunError(`service "${s.name}": cannot connect container ${name} to network ${n.network}: ${(e as Error).message}`);
    }
  }
  return id;
}
