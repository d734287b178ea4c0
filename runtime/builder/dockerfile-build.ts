// One `docker build`: parse the Dockerfile (dockerfile/, the parser the linter uses), work out the
// stages the target needs, and run their steps with the legacy builder's output and semantics:
// global ARGs as steps, `FROM` with ONBUILD triggers of the base, one step per instruction, the
// `--label` options as LABEL steps of the last stage, an aux image ID after each stage.
import { parseDockerfile } from '../../dockerfile/syntax/parser.js';
import type { DockerfileAst, Instruction } from '../../dockerfile/syntax/ast.js';
import { viewInstruction } from '../../dockerfile/syntax/instructions.js';
import { directiveRefusals } from '../../dockerfile/syntax/builder-support.js';
import { errorMessage, InvalidError } from '../errdefs.js';
import type { ImageEntry } from '../images/image-store.js';
import { BuildArgs } from './args.js';
import { runBuildChecks } from './build-checks.js';
import type { BuildContext } from './context/build-context.js';
import { expand, mapLookup, type EscapeChar } from './expand.js';
import type { BuildOptions } from './options.js';
import { checkRunnable, parseBuildPlatform } from './platform.js';
import type { Platform } from '../../dockerfile/expansion/predefined.js';
import type { BuildOutput } from './output.js';
import { planStages, stageIndexByName } from './stage-plan.js';
import { StageState } from './stage-state.js';
import { optionLabelStep } from './steps/config-steps.js';
import { dispatch, originalText } from './steps/dispatch.js';
import type { FromSource, StepEnv } from './steps/step-env.js';

/** What a build needs from the daemon (see build-service.ts). */
export interface BuildHost {
  stepEnv(state: StageState, escape: EscapeChar, fromSource: (ref: string) => Promise<FromSource>): StepEnv;
  /** A base image by reference for `platform`: local when it matches, or pulled (always pulled with `pull`). */
  baseImage(ref: string, platform: Platform): Promise<ImageEntry>;
  /** An image this build committed. */
  baseImageById(id: string): ImageEntry;
}

export class BuildCancelledError extends InvalidError {
  constructor() {
    super('Build cancelled');
  }
}

export function parseError(ast: DockerfileAst): InvalidError | undefined {
  const e = ast.errors[0];
  if (!e) return undefined;
  return new InvalidError(`Dockerfile parse error on line ${e.range.start.line + 1}: ${e.message}`);
}

export class DockerfileBuild {
  private readonly results = new Map<number, StageState>();
  /** The platform each stage targets (FROM --platform, else the build's). */
  private readonly platforms = new Map<number, Platform>();
  private step = 0;
  private total = 0;

  constructor(
    private readonly host: BuildHost,
    private readonly options: BuildOptions,
    private readonly context: BuildContext,
    private readonly out: BuildOutput,
    private readonly signal: AbortSignal,
  ) {}

  /** Runs the build; returns the final image (a step image or the base itself). */
  async run(): Promise<StageState> {
    const ast = parseDockerfile(this.context.dockerfileText);
    const err = parseError(ast);
    if (err) throw err;
    if (!ast.stages.length) throw new InvalidError(`the Dockerfile (${this.context.dockerfileName}) cannot be empty`);
    const frontend = directiveRefusals(ast.directives)[0];
    if (frontend) throw new InvalidError(`Dockerfile line ${frontend.range.start.line + 1}: ${frontend.message}`);
    const warnings = await runBuildChecks(ast, this.context.dockerfileName);
    const escape = ast.escapeChar;
    const args = BuildArgs.forBuild(this.options.buildArgs, this.options.target, this.options.platform);
    for (const ins of ast.globalArgs) {
      const v = viewInstruction(ins);
      if (v.keyword !== 'ARG') continue;
      for (const a of v.args) args.addMetaArg(a.name, a.defaultValue === null ? null : expand(a.defaultValue, mapLookup(args.allAllowed()), escape));
    }
    const plan = planStages(ast, this.options.target, mapLookup(args.allMeta()), escape);
    this.total = ast.globalArgs.length + this.options.labels.size
      + plan.stages.reduce((n, i) => n + 1 + ast.stages[i].instructions.length, 0);
    for (const w of warnings) this.out.stream(w);
    for (const ins of ast.globalArgs) this.printStep(ast, ins, escape);

    let last: StageState | undefined;
    for (const i of plan.stages) {
      const stage = ast.stages[i];
      this.checkCancelled();
      this.printStep(ast, stage.from, escape);
      const state = await this.beginStage(ast, i, plan.bases.get(i) as string, args, escape);
      const env = this.host.stepEnv(state, escape, (ref) => this.fromSource(ast, ref, i));
      await this.runTriggers(env);
      this.out.result(state.image.id);
      for (const ins of stage.instructions) {
        this.checkCancelled();
        this.printStep(ast, ins, escape);
        await dispatch(env, ast, ins);
        this.out.result(state.image.id);
      }
      if (i === plan.stages[plan.stages.length - 1]) {
        for (const key of [...this.options.labels.keys()].sort()) {
          this.checkCancelled();
          const value = this.options.labels.get(key) as string;
          this.out.step(++this.step, this.total, `LABEL ${key}=${value}`);
          await optionLabelStep(env, key, value);
          this.out.result(state.image.id);
        }
      }
      if (state.image.id) this.out.aux(state.image.id);
      this.results.set(i, state);
      last = state;
    }
    if (!last?.image.id) throw new InvalidError('No image was generated. Is your Dockerfile empty?');
    const unused = args.unused();
    if (unused.length) this.out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    return last;
  }

  private printStep(ast: DockerfileAst, ins: Instruction, escape: EscapeChar): void {
    this.out.step(++this.step, this.total, originalText(ast.lines, ins, escape));
  }

  private checkCancelled(): void {
    if (this.signal.aborted) throw new BuildCancelledError();
  }

  private async beginStage(ast: DockerfileAst, index: number, base: string, args: BuildArgs, escape: EscapeChar): Promise<StageState> {
    const stage = ast.stages[index];
    const from = viewInstruction(stage.from);
    let platform = this.options.platform;
    if (from.keyword === 'FROM' && from.platform?.value) {
      const raw = expand(from.platform.value, mapLookup(args.allMeta()), escape);
      platform = parseBuildPlatform(raw, `FROM --platform`);
      checkRunnable(platform, raw);
    }
    this.platforms.set(index, platform);
    const name = stage.name?.value ?? null;
    const parent = stageIndexByName(ast, base, index);
    let entry: ImageEntry | null;
    if (parent !== undefined) {
      const built = this.results.get(parent);
      if (!built) throw new InvalidError(`stage ${base} was not built`);
      entry = built.image.id ? this.host.baseImageById(built.image.id) : null;
    } else if (base.toLowerCase() === 'scratch') {
      entry = null;
    } else {
      try {
        entry = await this.host.baseImage(base, platform);
      } catch (err) {
        if (!(err instanceof InvalidError) || !/invalid reference format/.test(err.message)) throw err;
        throw new InvalidError(`FROM ${base}: no earlier build stage has that name, and it is not an image reference: ${err.message}`, { cause: err });
      }
    }
    return new StageState(index, name, args.forStage(), entry, platform);
  }

  /** ONBUILD triggers of the base image run right after FROM, without step numbers. */
  private async runTriggers(env: StepEnv): Promise<void> {
    const triggers = env.state.runConfig.OnBuild ?? [];
    if (!triggers.length) return;
    env.state.runConfig.OnBuild = null;
    this.out.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
    for (const trigger of triggers) {
      this.checkCancelled();
      const ast = parseDockerfile(trigger);
      const errors = ast.errors.filter((e) => e.code !== 'instruction-before-from');
      if (errors.length) throw new InvalidError(`ONBUILD trigger "${trigger}" of the base image: ${errors[0].message}`);
      if (ast.instructions.length !== 1) throw new InvalidError('onbuild trigger should be a single expression');
      await dispatch(env, ast, ast.instructions[0]);
    }
  }

  private async fromSource(ast: DockerfileAst, ref: string, current: number): Promise<FromSource> {
    const index = /^\d+$/.test(ref) ? Number(ref) : stageIndexByName(ast, ref, current);
    if (index !== undefined) {
      if (index === current) throw new InvalidError(`invalid from flag value ${ref}: refers to current build stage`);
      if (index > current || index >= ast.stages.length) throw new InvalidError(`invalid from flag value ${ref}: index out of bounds`);
      const built = this.results.get(index);
      if (!built) throw new InvalidError(`invalid from flag value ${ref}: stage was not built`);
      return built.image.id ? { kind: 'image', entry: this.host.baseImageById(built.image.id) } : { kind: 'scratch' };
    }
    if (ref.toLowerCase() === 'scratch') return { kind: 'scratch' };
    try {
      return { kind: 'image', entry: await this.host.baseImage(ref, this.platforms.get(current) ?? this.options.platform) };
    } catch (err) {
      throw new InvalidError(`invalid from flag value ${ref}: no build stage has that name, and as an image: ${errorMessage(err)}`, { cause: err });
    }
  }
}
