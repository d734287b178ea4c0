// The task type `berth-build`: a Dockerfile built as a VS Code task (for preLaunchTask, or a build
// task bound to a key), with the options of Build Image's options step, on the engine Berth is
// connected to and the same way as the command (run-build.ts). The output goes to the task's
// terminal; a failure ends with `FILE:LINE:1: error: MESSAGE`, which the `$berth-build` problem
// matcher turns into a problem on the Dockerfile line.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildDeps } from '../commands/build-image.js';
import type { Ctx } from '../ctx.js';
import { DOCKERFILE_GLOB, isDockerfileName } from '../dockerfile-names.js';
import { coerceOptions, optionProblems, parseSecretSpec, type BuildOptions } from './build-options.js';
import { checkImageReference, defaultTag } from './dockerfile-steps.js';
import { BuiltImages } from './built-images.js';
import { BuildCancelled, BuildFailure, runBuild } from './run-build.js';
import { TaskTerminal, waitForEngine } from '../tasks/task-terminal.js';
import { registerTaskType } from '../tasks/task-provider.js';

export const BUILD_TASK_TYPE = 'berth-build';

/** The task definition's properties, as package.json's taskDefinitions declares them. */
export interface BuildTaskDefinition extends vscode.TaskDefinition {
  /** The Dockerfile, relative to the workspace folder. */
  dockerfile: string;
  /** The context folder, relative to the workspace folder; default: the Dockerfile's folder. */
  context?: string;
  tag?: string;
  target?: string;
  buildArgs?: Record<string, string>;
  /** `id=NAME,env=VARIABLE` / `id=NAME,src=FILE`, or objects {id, env} / {id, src}. */
  secrets?: (string | { id: string; env?: string; src?: string })[];
  ssh?: string[];
  platform?: string;
  noCache?: boolean;
  pull?: boolean;
}

/** The options a definition asks for (paths resolved against the workspace folder), or what is wrong with it. */
export function taskOptions(d: vscode.TaskDefinition, folder: string): { dockerfile: string; options: BuildOptions } | string {
  if (typeof d.dockerfile !== 'string' || !d.dockerfile.trim()) return '"dockerfile" (the Dockerfile, relative to the workspace folder) is required';
  for (const key of ['context', 'tag', 'target', 'platform'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['noCache', 'pull'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'boolean') return `"${key}" must be true or false`;
  }
  if (d.buildArgs !== undefined && (typeof d.buildArgs !== 'object' || Array.isArray(d.buildArgs) || d.buildArgs === null)) return '"buildArgs" must be an object of NAME: value';
  if (d.ssh !== undefined && !(Array.isArray(d.ssh) && d.ssh.every((s: unknown) => typeof s === 'string'))) return '"ssh" must be a list of strings (default, or ID=/path/to/agent.sock)';
  if (d.secrets !== undefined && !Array.isArray(d.secrets)) return '"secrets" must be a list';
  for (const s of (d.secrets ?? []) as unknown[]) {
    const text = typeof s === 'string' ? s : s && typeof s === 'object' ? Object.entries(s).map(([k, v]) => `${k}=${String(v)}`).join(',') : String(s);
    const parsed = parseSecretSpec(text);
    if (typeof parsed === 'string') return parsed;
  }
  const dockerfile = path.resolve(folder, d.dockerfile);
  const dockerfileDir = path.dirname(dockerfile);
  const options = coerceOptions({ ...d, context: d.context !== undefined ? path.resolve(folder, d.context) : '.' }, defaultTag(path.basename(dockerfileDir)));
  // Paths in a task are relative to the workspace folder, like "dockerfile" and "context".
  options.secrets = options.secrets.map((s) => (s.src ? { id: s.id, src: path.resolve(folder, s.src) } : s));
  if (d.tag !== undefined) {
    const bad = checkImageReference(d.tag);
    if (bad) return `"tag": ${bad}`;
  }
  const problems = optionProblems(options);
  if (problems.length) return problems.join('; ');
  return { dockerfile, options };
}

export function registerBuildTasks(ctx: Ctx): vscode.Disposable {
  return registerTaskType({
    type: BUILD_TASK_TYPE,
    // Offered in "Run Task": a build of each Dockerfile of the workspace.
    offer: {
      glob: DOCKERFILE_GLOB,
      accept: isDockerfileName,
      tasks: (rel) => [{ definition: { type: BUILD_TASK_TYPE, dockerfile: rel }, name: `build ${rel}` }],
    },
    terminal: (definition, folder) => new BuildTaskTerminal(ctx, definition, folder),
    problemMatchers: ['$berth-build'],
    configure: (task) => { task.group = vscode.TaskGroup.Build; },
  });
}

/** Runs one build: the builder's output in the task's terminal, exit code 0 or 1. */
class BuildTaskTerminal extends TaskTerminal {
  private readonly abort = new AbortController();

  override close(): void {
    this.abort.abort();
  }

  handleInput(data: string): void {
    if (data === '\x03') this.abort.abort();
  }

  protected async run(): Promise<number> {
    const checked = taskOptions(this.definition, this.folder);
    if (typeof checked === 'string') throw new Error(`The berth-build task's definition is wrong: ${checked}.`);
    const { dockerfile, options } = checked;
    const engine = await waitForEngine(this.ctx, 60_000);
    if (!engine) throw new Error('Berth is not connected to a container engine (see the Engine view), so the build task cannot run.');
    let source: string;
    try {
      source = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(dockerfile))).toString('utf8');
    } catch {
      throw new Error(`The Dockerfile ${dockerfile} cannot be read; check "dockerfile" in the task.`);
    }
    this.line(`Building ${options.tag} from ${dockerfile}`);
    try {
      const result = await runBuild(buildDeps(this.ctx, engine.connection, engine.docker), { dockerfile, source, options }, {
        text: (t) => this.text(t),
        step: () => undefined,
      }, this.abort.signal);
      if (result.imageId) await new BuiltImages(this.ctx.extension.workspaceState).record(result.imageId, { dockerfile, target: options.target });
      this.ctx.views.refresh(['image']);
      this.line(`\x1b[32mBuilt ${options.tag}${result.imageId ? ` (${result.imageId.replace(/^sha256:/, '').slice(0, 12)})` : ''}\x1b[0m`);
      return 0;
    } catch (err) {
      if (err instanceof BuildCancelled) {
        this.line('Build cancelled.');
        return 130;
      }
      if (!(err instanceof BuildFailure)) throw err;
      // One line in the shape problem matchers read (the `$berth-build` matcher in package.json).
      const where = `${dockerfile}:${(err.line ?? 0) + 1}:1`;
      this.line(`${where}: error: ${err.message.replace(/\s*\n\s*/g, ' ')}`);
      return 1;
    }
  }
}
