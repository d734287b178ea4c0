// The image each service runs: built through the engine's build API, pulled when missing, or the
// engine's own copy, following the service's pull_policy and up --build.
import type { ComposeEngine, ImageSummary } from '../engine/engine';
import type { ComposeProject, ServiceConfig } from '../model/types';
import * as path from 'node:path';
import { packContext } from './build-context';
import { COMPOSE_VERSION, defaultImageName, LABEL } from './labels';
import type { RunnerOutput } from './output';
import { RunError } from './run-error';

export interface ServiceImage {
  readonly ref: string;
  readonly id: string;
}

export function imageRef(project: ComposeProject, s: ServiceConfig): string {
  return s.image ?? defaultImageName(project.name, s.name);
}

export interface ImageOptions {
  /** up --build / build: build every service that has a build section. */
  readonly build: boolean;
  /** up --no-build: never build; a missing image is an error. */
  readonly noBuild?: boolean;
}

export interface BuildOptions {
  readonly noCache?: boolean;
  readonly pull?: boolean;
}

/** What the engine has of each service's image, by reference: every distinct one inspected at once. */
export async function inspectImages(engine: ComposeEngine, project: ComposeProject, services: readonly ServiceConfig[]): Promise<Map<string, ImageSummary | undefined>> {
  const refs = [...new Set(services.map((s) => imageRef(project, s)))];
  const found = await Promise.all(refs.map((ref) => engine.inspectImage(ref)));
  return new Map(refs.map((ref, i) => [ref, found[i]]));
}

/**
 * Each service's image, built or pulled as its pull_policy and `opts` say. `known`: inspectImages' answer,
 * when the caller asked already (what a build or pull here makes replaces it).
 */
export async function ensureImages(engine: ComposeEngine, project: ComposeProject, services: readonly ServiceConfig[], opts: ImageOptions, out: RunnerOutput, known?: Map<string, ImageSummary | undefined>): Promise<Map<string, ServiceImage>> {
  const result = new Map<string, ServiceImage>();
  const cache = new Map(known ?? await inspectImages(engine, project, services));
  for (const s of services) {
    const ref = imageRef(project, s);
    let found = cache.has(ref) ? cache.get(ref) : await engine.inspectImage(ref);
    if (s.build && (opts.build || s.pullPolicy === 'build' || !found)) {
      if (opts.noBuild) {
        if (!found) throw new RunError(`service "${s.name}": image ${ref} is missing and --no-build forbids building it: run berth-compose build ${s.name} first`);
        result.set(s.name, { ref, id: found.Id });
        continue;
      }
      await buildService(engine, project, s, out);
      found = await engine.inspectImage(ref);
      cache.set(ref, found);
    } else if (!s.build && (!found || s.pullPolicy === 'always')) {
      if (s.pullPolicy === 'never' && !found) throw new RunError(`service "${s.name}": image ${ref} not found and pull_policy is never`);
      await pullService(engine, s, ref, out);
      found = await engine.inspectImage(ref);
      cache.set(ref, found);
    }
    if (!found) throw new RunError(`service "${s.name}": image ${ref} is missing after ${s.build ? 'its build' : 'the pull'}`);
    result.set(s.name, { ref, id: found.Id });
  }
  return result;
}

export async function pullService(engine: ComposeEngine, s: ServiceConfig, ref: string, out: RunnerOutput): Promise<void> {
  out.progress('Image', ref, 'Pulling');
  try {
    await engine.pullImage(ref, (m) => {
      if (m.status && !m.progress) out.pullLog(s.name, `${m.id ? `${m.id}: ` : ''}${m.status}\n`);
    });
  } catch (e) {
    out.progress('Image', ref, 'Error');
    throw new RunError(`service "${s.name}": cannot pull image ${ref}: ${(e as Error).message}`);
  }
  out.progress('Image', ref, 'Pulled');
}

export async function buildService(engine: ComposeEngine, project: ComposeProject, s: ServiceConfig, out: RunnerOutput, opts: BuildOptions = {}): Promise<void> {
  const b = s.build!;
  const tag = imageRef(project, s);
  out.progress('Service', s.name, 'Building');
  try {
    const packed = packContext({ dir: b.context, dockerfile: path.resolve(b.context, b.dockerfile) });
    packed.done.catch(() => undefined); // a read error ends the stream, and the build with it
    await engine.buildImage(
      {
        context: packed.stream,
        tag,
        dockerfile: packed.dockerfileInTar,
        buildargs: { ...b.args },
        target: b.target,
        labels: { ...b.labels, [LABEL.project]: project.name, [LABEL.service]: s.name, [LABEL.version]: COMPOSE_VERSION },
        noCache: opts.noCache,
        pull: opts.pull,
      },
      (m) => { if (m.stream) out.buildLog(s.name, m.stream); },
    );
  } catch (e) {
    throw new RunError(`failed to build service "${s.name}": ${(e as Error).message}`);
  }
  out.progress('Service', s.name, 'Built');
}
