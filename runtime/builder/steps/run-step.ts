// RUN: the command runs in a one-shot task on the stage's layers; its writes become the step's layer.
// Build args reach the process as env (not the image), and a RUN that has some is cached and
// recorded as `|N NAME=value ... <cmd>`, as Docker Engine does. Heredocs follow BuildKit: a lone
// heredoc is the script (run by its #! interpreter or the shell), otherwise the shell gets the
// command line with the heredoc bodies.
import { readdir, rm } from 'node:fs/promises';
import type { RunView } from '../../../dockerfile/syntax/instructions.js';
import { flagRefusals } from '../../../dockerfile/syntax/builder-support.js';
import type { HostConfig } from '../../containers/api-types.js';
import { InvalidError, RuntimeError } from '../../errdefs.js';
import { upperDirTar } from '../fs/upper-tar.js';
import { copyRunConfig, shellOf, type RunConfig } from '../run-config.js';
import { UnionView } from '../fs/union-view.js';
import { mountsCacheKey, prepareMounts, stepMounts, type PreparedMounts } from '../mounts/run-mounts.js';
import { commandArgs } from './config-steps.js';
import { commitStep, containerId, probeCache, type StepEnv } from './step-env.js';

/** A failed RUN: the message Docker prints and the exit code `docker build` ends with. */
export class StepFailedError extends RuntimeError {
  constructor(message: string, readonly exitCode: number) {
    super('invalid', message);
  }
}

/** container_config label holding a RUN's mounts and network flag (the step cache key sees them). */
export const RUN_FLAGS_LABEL = 'berth.build.run-flags';

interface Command {
  args: string[];
  stdin?: Buffer;
}

function heredocBody(content: string, chomp: boolean): string {
  return chomp ? content.replace(/^\t+/gm, '') : content;
}

/** The argv (and stdin) of a RUN, from its command line and heredocs. */
export function runCommand(rc: RunConfig, v: RunView): Command {
  if (!v.command) throw new InvalidError('RUN needs a command');
  if (!v.heredocs.length) return { args: commandArgs(rc, v.command) };
  if (v.command.form === 'exec') throw new InvalidError('RUN in exec form cannot use a heredoc');
  const text = (v.command.shell ?? '').trim();
  const only = v.heredocs.length === 1 && /^<<-?(["']?)[A-Za-z_][\w.-]*\1$/.test(text);
  if (only) {
    const script = heredocBody(v.heredocs[0].content, v.heredocs[0].chomp);
    const shebang = /^#!\s*(.+)\n/.exec(script);
    if (shebang) {
      // The interpreter reads the script from stdin, so nothing is written into the image.
      const interp = shebang[1].trim().split(/\s+/);
      return { args: [...interp, '/dev/stdin'], stdin: Buffer.from(script) };
    }
    return { args: [...shellOf(rc), script] };
  }
  const bodies = v.heredocs.map((h) => `${h.content}${h.name}\n`).join('');
  return { args: [...shellOf(rc), `${v.command.shell ?? ''}\n${bodies}`] };
}

/** The command as cached and recorded: with build args, `|N` and the sorted NAME=value pairs first. */
function savedCommand(env: StepEnv, args: string[], buildArgs: string[]): string[] {
  if (!buildArgs.length) return args;
  const kept = buildArgs.filter((kv) => env.state.args.isReferencedOrNotBuiltin(kv.split('=', 1)[0])).sort();
  return [`|${kept.length}`, ...kept, ...args];
}

function networkMode(env: StepEnv, v: RunView): string {
  const mode = v.network ?? env.options.networkMode;
  return mode === 'default' ? 'bridge' : mode;
}

export async function runStep(env: StepEnv, v: RunView): Promise<void> {
  const line = v.instruction.startLine + 1;
  const refused = flagRefusals(v.instruction, env.insecureAllowed);
  if (refused.length) throw new InvalidError(`Dockerfile line ${line}: ${refused[0].message}`);
  const rc = env.state.runConfig;
  const command = runCommand(rc, v);
  const mounts = stepMounts(env, v);
  const buildArgs = env.state.args.filterAllowed(rc.Env ?? []);
  const saved = savedCommand(env, command.args, buildArgs);
  const cc = copyRunConfig(rc, { Cmd: saved, Entrypoint: saved.length ? null : rc.Entrypoint });
  delete cc.ArgsEscaped;
  // BuildKit's cache key covers the mounts; ours is the container config, so they go in as a label
  // of container_config (never of the image's config), which also survives restarts.
  if (mounts.length || v.network || v.security === 'insecure') cc.Labels = { ...(cc.Labels ?? {}), [RUN_FLAGS_LABEL]: JSON.stringify({ mounts: mounts.length ? mountsCacheKey(mounts) : undefined, network: v.network ?? undefined, security: v.security === 'insecure' ? 'insecure' : undefined }) };
  if (await probeCache(env, cc)) return;

  if (env.signal.aborted) throw new InvalidError('Build cancelled');
  const tasks = await env.tasks();
  const dir = await env.temp.makeDir('build-run');
  let prepared: PreparedMounts | undefined;
  try {
    const hostConfig: HostConfig = {
      NetworkMode: networkMode(env, v), ExtraHosts: env.options.extraHosts, ...env.options.resources,
      ...(v.security === 'insecure' ? { Privileged: true } : {}),
    };
    const id = containerId();
    const layers = env.layers.lowerDirs(env.state.image.topChainId);
    prepared = await prepareMounts(env, mounts, dir, line, command.args.join(' '));
    env.out.runningIn(id);
    const result = await tasks.run({
      dir, layers,
      config: { Cmd: command.args, Env: [...(rc.Env ?? []), ...buildArgs, ...prepared.env], WorkingDir: rc.WorkingDir, User: rc.User, Hostname: id.slice(0, 12) },
      hostConfig, mounts: prepared.oci, stdin: command.stdin, signal: env.signal, sensitiveEnv: prepared.env.length > 0,
      onOutput: (stream, data) => env.out.runOutput(stream, data),
    }).catch((err: unknown) => {
      if (err instanceof InvalidError) throw new StepFailedError(`The command '${command.args.join(' ')}' could not be started: ${err.message.replace(/^the command could not be started: /, '')}`, 1);
      throw err;
    });
    await prepared.release();
    if (!env.signal.aborted && result.exitCode === 0) await prepared.tidyUpper(result.upperDir, new UnionView(layers));
    if (env.signal.aborted) throw new InvalidError('Build cancelled');
    if (result.exitCode !== 0) {
      if (env.options.forceRemove) env.out.removingContainer(id);
      const oom = result.oomKilled ? ' (the step ran out of memory)' : '';
      throw new StepFailedError(`The command '${command.args.join(' ')}' returned a non-zero code: ${result.exitCode}${oom}`, result.exitCode);
    }
    const changed = (await readdir(result.upperDir)).length > 0;
    await commitStep(env, cc, { containerId: id, layer: changed ? upperDirTar(result.upperDir, result.marks) : undefined });
    if (env.options.remove) env.out.removingContainer(id);
  } finally {
    await prepared?.release();
    // Removing the step's folder does not hold up the next step; the build waits for it at the end.
    env.cleanup(rm(dir, { recursive: true, force: true }));
  }
}
