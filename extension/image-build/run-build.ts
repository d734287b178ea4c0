// One build, whichever engine: Berth's engine through `POST /build` with its secret and ssh headers,
// Docker Engine through BuildKit (the docker CLI, see buildkit-cli.ts), any other engine (Podman)
// through the legacy `POST /build`. Used by Build Image and the `berth-build` task, so both build the
// same way. No VS Code imports: output and steps go to a sink, a failure is a BuildFailure with the
// Dockerfile line it points at.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { readJsonMessages } from '../engine/json-messages.js';
import { engineMessage } from '../errors.js';
import type { AuthConfig } from '../registry/auth-config.js';
import { optionProblems, dockerfileStages, summarize, type BuildOptions } from './build-options.js';
import { buildImageWithSecrets } from './build-secrets.js';
import { BuildKitCliMissing, cliArgs, credentialsConfigDir, detectBuildKitCli, runCli, type BuildKitCli } from './buildkit-cli.js';
import { BuildKitProgress, buildKitStepLine } from './buildkit-progress.js';
import { failingLine, parseStep, type BuildStep } from './dockerfile-steps.js';
import { resolveSecrets, SecretSourceError } from './secret-values.js';

export type BuildRoute = 'berth' | 'buildkit' | 'engine-api';

export interface EngineFacts {
  /** productName() of the engine's /version: Berth, Docker Engine, Podman. */
  product: string;
  os: string;
  /** The engine as DOCKER_HOST names it, for the docker CLI. */
  dockerHost: string;
}

export interface BuildCredentials {
  /** How many logins Berth keeps itself (the CLI cannot see those). */
  berthLogins(): Promise<number>;
  /** Every known registry's credentials, Berth's first. */
  all(): Promise<Map<string, AuthConfig>>;
  /** X-Registry-Config as dockerode's registryconfig option takes it. */
  registryConfig(): Promise<{ base64: string }>;
  /** The docker CLI's config folder ($DOCKER_CONFIG or ~/.docker). */
  dockerConfigDir: string;
}

export interface BuildDeps {
  docker: Dockerode;
  engine: EngineFacts;
  /** The docker CLI for BuildKit builds on Docker Engine (setting berth.build.dockerCli). */
  dockerCli: string;
  env: NodeJS.ProcessEnv;
  credentials: BuildCredentials;
}

export interface BuildRequest {
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** Its text as it is built (an unsaved editor's is saved first). */
  source: string;
  options: BuildOptions;
}

export interface BuildSink {
  /** Output as the builder prints it, whole lines with their newline. */
  text(t: string): void;
  /** A step began: `Step 2/5: RUN make` or `[build 2/3] RUN make`. */
  step(label: string): void;
}

export class BuildFailure extends Error {
  constructor(
    message: string,
    /** 0-based Dockerfile line the failure points at. */
    readonly line?: number,
    /** The engine's error, when the engine refused (for errors.ts's hints, such as how to log in). */
    readonly engineError?: unknown,
  ) {
    super(message);
  }
}

export class BuildCancelled extends Error {
  constructor() {
    super('The build was cancelled.');
  }
}

/** Which way a build goes on this engine. */
export function routeFor(engine: Pick<EngineFacts, 'product' | 'os'>): BuildRoute {
  if (engine.product === 'Berth') return 'berth';
  if (engine.product === 'Docker Engine' && (engine.os === 'linux' || engine.os === '')) return 'buildkit';
  return 'engine-api';
}

/** BuildKit-only syntax the legacy builder of Docker Engine and Podman refuses. */
function needsBuildKit(source: string, o: BuildOptions): string | undefined {
  if (o.secrets.length) return 'build secrets';
  if (o.ssh.length) return 'ssh forwarding';
  if (/^\s*RUN\b[^\n]*--mount[=\s]/im.test(source)) return 'RUN --mount';
  if (/^\s*(RUN|COPY)\b[^\n]*<<-?\s*["']?[A-Za-z_]/im.test(source)) return 'heredocs';
  return undefined;
}

const cliCache = new Map<string, Promise<BuildKitCli>>();

/**
 * Whether builds on this engine take `RUN --mount`: Berth's builder and Podman's (Buildah) do, Docker
 * Engine does through the docker CLI's BuildKit when that CLI is usable, its own build API does not.
 */
export async function takesBuildKitSyntax(deps: Pick<BuildDeps, 'engine' | 'dockerCli' | 'env'>): Promise<boolean> {
  const route = routeFor(deps.engine);
  if (route !== 'buildkit') return deps.engine.product !== 'Docker Engine';
  const key = `${deps.dockerCli}\0${deps.env.PATH ?? ''}`;
  if (!cliCache.has(key)) cliCache.set(key, detectBuildKitCli(deps.dockerCli, deps.env));
  try {
    await cliCache.get(key)!;
    return true;
  } catch (err) {
    cliCache.delete(key);
    if (err instanceof BuildKitCliMissing) return false;
    throw err;
  }
}

export function contextDirOf(req: BuildRequest): string {
  return path.resolve(path.dirname(req.dockerfile), req.options.context || '.');
}

/**
 * Runs the build. Resolves with the image id (when the builder says it); rejects with a BuildFailure
 * (bad options, a secret that cannot be read, the builder's error with its line) or BuildCancelled.
 */
export async function runBuild(deps: BuildDeps, req: BuildRequest, sink: BuildSink, signal?: AbortSignal): Promise<{ imageId?: string; route: BuildRoute }> {
  const o = req.options;
  const problems = optionProblems(o, dockerfileStages(req.source));
  if (problems.length) throw new BuildFailure(`The build options are not valid: ${problems.join('; ')}.`);
  let route = routeFor(deps.engine);
  const contextDir = contextDirOf(req);
  try {
    const st = await fs.promises.stat(contextDir);
    if (!st.isDirectory()) throw new BuildFailure(`The build context ${contextDir} is not a folder.`);
  } catch (err) {
    if (err instanceof BuildFailure) throw err;
    throw new BuildFailure(`The build context folder ${contextDir} does not exist; change it in the build options.`);
  }
  const baseDir = path.dirname(req.dockerfile);
  let secrets;
  try {
    secrets = await resolveSecrets(o.secrets, o.ssh, deps.env, baseDir);
  } catch (err) {
    if (err instanceof SecretSourceError) throw new BuildFailure(err.message);
    throw err;
  }
  let kit: BuildKitCli | undefined;
  if (route === 'buildkit') {
    const key = `${deps.dockerCli}\0${deps.env.PATH ?? ''}`;
    if (!cliCache.has(key)) cliCache.set(key, detectBuildKitCli(deps.dockerCli, deps.env));
    try {
      kit = await cliCache.get(key)!;
    } catch (err) {
      cliCache.delete(key);
      if (!(err instanceof BuildKitCliMissing)) throw err;
      const needs = needsBuildKit(req.source, o);
      if (needs) throw new BuildFailure(`${err.message} (this build uses ${needs}, which Docker Engine's legacy builder cannot do).`);
      sink.text(`${err.message}\nBuilding with Docker Engine's legacy builder instead.\n`);
      route = 'engine-api';
    }
  }
  if (route === 'engine-api') {
    const needs = needsBuildKit(req.source, o);
    if (needs && (o.secrets.length || o.ssh.length)) {
      throw new BuildFailure(`${deps.engine.product}'s build API cannot receive ${needs}; build on Berth's engine or Docker Engine, or leave the ${needs} out of the build options.`);
    }
  }
  const summary = summarize(o);
  if (summary) sink.text(`Options: ${summary}\n`);
  if (route === 'buildkit' && kit) return { ...(await buildWithCli(deps, req, kit, contextDir, baseDir, sink, signal)), route };
  return { ...(await buildWithApi(deps, req, route === 'berth' ? secrets : undefined, contextDir, sink, signal)), route };
}

async function buildWithApi(
  deps: BuildDeps, req: BuildRequest, secrets: Awaited<ReturnType<typeof resolveSecrets>> | undefined, contextDir: string, sink: BuildSink, signal?: AbortSignal,
): Promise<{ imageId?: string }> {
  const o = req.options;
  // tar-stream loads on the first build, not at activation.
  const { packContext } = await import('../../compose/runner/build-context.js');
  const packed = packContext({ dir: contextDir, dockerfile: req.dockerfile });
  packed.done.catch(() => undefined);
  const query: Record<string, unknown> = { t: o.tag, dockerfile: packed.dockerfileInTar, rm: true, forcerm: true };
  if (Object.keys(o.buildArgs).length) query.buildargs = o.buildArgs;
  if (o.target) query.target = o.target;
  if (o.noCache) query.nocache = true;
  if (o.pull) query.pull = true;
  if (o.platform) query.platform = o.platform;
  let lastStep: BuildStep | undefined;
  let imageId: string | undefined;
  try {
    const stream = (await buildImageWithSecrets(
      deps.docker, packed.stream as unknown as NodeJS.ReadableStream, query, secrets ?? {}, await deps.credentials.registryConfig(),
    )) as NodeJS.ReadableStream & { destroy?: () => void };
    const onAbort = (): void => stream.destroy?.();
    signal?.addEventListener('abort', onAbort);
    let partial = '';
    try {
      await readJsonMessages(stream, (m) => {
        if (m.aux?.ID) imageId = m.aux.ID;
        const text = m.stream ?? (m.status ? `${m.id ? `${m.id}: ` : ''}${m.status}\n` : '');
        if (!text) return;
        sink.text(text);
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) {
          const step = parseStep(l);
          if (step) {
            lastStep = step;
            sink.step(`Step ${step.n}/${step.total}: ${step.text}`);
          }
          const built = /^Successfully built ([0-9a-f]+)/.exec(l.trim());
          if (built) imageId ??= built[1];
        }
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  } catch (err) {
    if (signal?.aborted) throw new BuildCancelled();
    const message = engineMessage(err);
    throw new BuildFailure(message, failingLine(req.source, lastStep, message), err);
  }
  if (signal?.aborted) throw new BuildCancelled();
  return { imageId };
}

async function buildWithCli(
  deps: BuildDeps, req: BuildRequest, kit: BuildKitCli, contextDir: string, baseDir: string, sink: BuildSink, signal?: AbortSignal,
): Promise<{ imageId?: string }> {
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'berth-build-'));
  const iidFile = path.join(tmp, 'iid');
  const config = await credentialsConfigDir(deps.credentials.dockerConfigDir, await deps.credentials.berthLogins(), await deps.credentials.all());
  try {
    const env: NodeJS.ProcessEnv = { ...deps.env, DOCKER_HOST: deps.engine.dockerHost, DOCKER_BUILDKIT: '1' };
    // A docker context would override DOCKER_HOST's engine: the build goes to the engine Berth shows.
    delete env.DOCKER_CONTEXT;
    if (config) env.DOCKER_CONFIG = config.dir;
    const args = cliArgs(kit, req.options, req.dockerfile, contextDir, iidFile, baseDir);
    sink.text(`BuildKit through ${kit.cli} ${kit.mode === 'buildx' ? 'buildx build' : 'build'} (docker CLI ${kit.version}), DOCKER_HOST=${deps.engine.dockerHost}\n`);
    const progress = new BuildKitProgress();
    const proc = runCli(kit.cli, args, env, (line) => {
      sink.text(`${line}\n`);
      const step = progress.line(line);
      if (step) sink.step(`[${step.stage ? `${step.stage} ` : ''}${step.n}/${step.total}] ${step.text}`);
    });
    const onAbort = (): void => proc.cancel();
    signal?.addEventListener('abort', onAbort);
    let code: number;
    try {
      code = await proc.done;
    } catch (err) {
      throw new BuildFailure(`Could not run ${kit.cli}: ${(err as Error).message}`);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) throw new BuildCancelled();
    if (code !== 0) {
      const failed = progress.failedStep;
      throw new BuildFailure(progress.failureMessage(), failed ? buildKitStepLine(req.source, failed) : failingLine(req.source, undefined, progress.failureMessage()));
    }
    const imageId = (await fs.promises.readFile(iidFile, 'utf8').catch(() => '')).trim() || undefined;
    return { imageId };
  } finally {
    config?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
