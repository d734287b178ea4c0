// What POST /build calls: unpack the context, run the Dockerfile build, name the result. Owns what
// outlives one build: the step cache index and the remembered content hashes of image files.
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { JsonMessage, ProgressSink } from '../progress/json-message.js';
import type { Services } from '../daemon/services.js';
import type { ImageEntry } from '../images/image-store.js';
import { pullToStore } from '../images/transfers/image-pull.js';
import { familiarize, parseReference } from '../images/reference.js';
import type { RegistryCredentials } from '../registry/transfer-types.js';
import { errorMessage, InvalidError } from '../errdefs.js';
import { formatPlatform, type Platform } from '../../dockerfile/expansion/predefined.js';
import { platformMatches } from './platform.js';
import { CacheFromSources } from './cache-from.js';
import { StepCommitter } from './commit.js';
import { BuildContext } from './context/build-context.js';
import { DockerfileBuild, type BuildHost } from './dockerfile-build.js';
import type { EscapeChar } from './expand.js';
import type { BuildOptions } from './options.js';
import { shortId, type BuildOutput } from './output.js';
import { BuildTasks } from './run/build-tasks.js';
import { CacheMountStore } from './mounts/cache-mount-store.js';
import { NO_SECRETS, type BuildSecrets } from './mounts/build-secrets.js';
import type { StageState } from './stage-state.js';
import { StepCache } from './step-cache.js';
import { StepFailedError } from './steps/run-step.js';
import type { FromSource, StepEnv } from './steps/step-env.js';

/** Registry credentials by registry host, from X-Registry-Config. */
export type CredentialsFor = (registry: string) => RegistryCredentials | undefined;

const MEMO_IMAGES = 32;

export class BuildService {
  private readonly cache: StepCache;
  private readonly committer: StepCommitter;
  private readonly memos = new Map<string, Map<string, string>>();

  private readonly reaped: Promise<void>;
  /** RUN --mount=type=cache folders, kept across builds. */
  readonly cacheMounts: CacheMountStore;

  constructor(private readonly s: Services) {
    this.cache = new StepCache(s.imageStore);
    this.committer = new StepCommitter(s.imageStore, s.layers);
    this.cacheMounts = new CacheMountStore(s.options.root);
    void this.cacheMounts.removeLeftovers().catch(() => undefined);
    this.reaped = BuildTasks.reap(s).catch((err: unknown) => {
      process.stderr.write(`berthd: could not clean up after builds of the previous run: ${(err as Error).message}\n`);
    });
  }

  /** Runs one build and reports on `out`; never throws (failures go to `out`). */
  async build(body: Readable, options: BuildOptions, out: BuildOutput, credentials: CredentialsFor, secrets: BuildSecrets = NO_SECRETS): Promise<void> {
    let context: BuildContext | undefined;
    let tasks: Promise<BuildTasks> | undefined;
    let failure: unknown;
    const cleanups: Promise<unknown>[] = [];
    await this.reaped;
    const scratch = await this.s.temp.makeDir('build');
    try {
      context = await BuildContext.open(body, this.s.temp, options.dockerfile);
      const ctx = context;
      const bindCopies = new Map<string, Promise<string>>();
      const host: BuildHost = {
        stepEnv: (state, escape, fromSource) => {
          // Like Docker Engine, the --cache-from sources start afresh with every stage.
          const cacheFrom = new CacheFromSources(options.cacheFrom, this.s.imageStore);
          return {
            ...this.stepEnv(state, escape, fromSource, options, out, ctx, () => (tasks ??= BuildTasks.open(this.s, scratch))),
            mounts: { cacheStore: this.cacheMounts, secrets, scratch, copies: bindCopies },
            insecureAllowed: this.s.options.allowInsecureEntitlements?.includes('security.insecure') ?? false,
            cleanup: (work: Promise<unknown>) => { cleanups.push(work.catch(() => undefined)); },
            ...(cacheFrom.empty ? {} : { cacheFrom }),
          };
        },
        baseImage: (ref, platform) => this.baseImage(ref, platform, options.pull, out, credentials),
        baseImageById: (id) => this.s.imageStore.resolve(id),
      };
      await this.s.imageStore.track(async () => {
        const final = await new DockerfileBuild(host, options, ctx, out, out.signal).run();
        await this.finish(final, options, out);
      });
    } catch (err) {
      failure = err;
    }
    // Clean up before answering, so a client never sees leftovers of a finished build.
    await Promise.all(cleanups);
    if (tasks) await tasks.then((t) => t.close(), () => undefined);
    await context?.dispose().catch(() => undefined);
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    if (failure === undefined) out.end();
    else out.fail(failure, failure instanceof StepFailedError ? failure.exitCode : undefined);
  }

  private async finish(final: StageState, options: BuildOptions, out: BuildOutput): Promise<void> {
    const entry = this.s.imageStore.resolve(final.image.id);
    if (entry.record.buildStep) {
      // The result is listed from now on; step images stay hidden.
      const { buildStep: _hidden, ...record } = entry.record;
      await this.s.imageStore.saveRecord(record);
    }
    out.stream(`Successfully built ${shortId(entry.id)}\n`);
    for (const tag of options.tags) {
      await this.s.images.addTag(entry, tag);
      out.stream(`Successfully tagged ${familiarize(tag)}\n`);
    }
    out.quietResult(entry.id);
  }

  private stepEnv(
    state: StageState, escape: EscapeChar, fromSource: (ref: string) => Promise<FromSource>, options: BuildOptions,
    out: BuildOutput, context: BuildContext, tasks: () => Promise<BuildTasks>,
  ): Omit<StepEnv, 'cleanup' | 'mounts' | 'insecureAllowed'> {
    return {
      state, escape, out, signal: out.signal, options, context, committer: this.committer, cache: this.cache,
      layers: this.s.layers, temp: this.s.temp, tasks, fromSource, hashMemo: (id) => this.hashMemo(id),
    };
  }

  private hashMemo(imageId: string): Map<string, string> {
    let m = this.memos.get(imageId);
    if (!m) {
      if (this.memos.size >= MEMO_IMAGES) this.memos.delete(this.memos.keys().next().value as string);
      m = new Map();
      this.memos.set(imageId, m);
    }
    return m;
  }

  /**
   * A base image of `platform`: the local one unless `pull` or it is of another platform (then pulled
   * for that platform, like Docker Engine), with the pull's progress in the build output.
   */
  private async baseImage(ref: string, platform: Platform, pull: boolean, out: BuildOutput, credentials: CredentialsFor): Promise<ImageEntry> {
    const local = this.s.imageStore.lookup(ref);
    if (local && !pull && platformMatches(local.config, platform)) return local;
    const parsed = parseReference(ref);
    // The pull's progress goes into the build's own output stream.
    const sink: ProgressSink = { write: (m: JsonMessage) => out.message(m), signal: out.signal };
    try {
      await pullToStore(this.s.images, this.s.blobs, this.s.layers, { image: ref, platform, credentials: credentials(parsed.domain), network: this.s.registries }, sink);
    } catch (err) {
      if (!local || platformMatches(local.config, platform)) throw err;
      throw new InvalidError(`image ${ref} was found but is ${formatPlatform(local.config)}, not the ${formatPlatform(platform)} this build wants, and pulling the ${formatPlatform(platform)} image failed: ${errorMessage(err)}`, { cause: err });
    }
    const pulled = this.s.imageStore.resolve(ref);
    if (!platformMatches(pulled.config, platform)) {
      throw new InvalidError(`image ${ref} is ${formatPlatform(pulled.config)}, and the build wants ${formatPlatform(platform)}: the registry has no ${formatPlatform(platform)} image under that name`);
    }
    return pulled;
  }

}
