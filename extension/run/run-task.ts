// The task type `berth-run`: a container started as a VS Code task (a launch configuration's
// preLaunchTask), with Run with Options' properties, on the engine Berth is connected to. It ends once
// the container is started; `replace` removes an earlier container of the same name first; `debug`
// starts the runtime's debugger listening on its published port (run-debugger.ts).
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';
import { TaskTerminal, waitForEngine } from '../tasks/task-terminal.js';
import { registerTaskType } from '../tasks/task-provider.js';
import { localPortChecker } from './port-plan.js';
import { withDebugger, type RunDebugger } from './run-debugger.js';
import { coerceRunOptions, createBody, defaultRunOptions, optionProblems, planHostPorts, readEnvFiles, type RunOptions } from './run-options.js';

export const RUN_TASK_TYPE = 'berth-run';

/** The options a definition asks for, or what is wrong with it. */
export function runTaskOptions(d: vscode.TaskDefinition, folder: string): { image: string; replace: boolean; options: RunOptions; debug?: { platform: RunDebugger; port?: number } } | string {
  if (typeof d.image !== 'string' || !d.image.trim()) return '"image" (the image to run) is required';
  for (const key of ['ports', 'env', 'envFiles', 'volumes'] as const) {
    if (d[key] !== undefined && !(Array.isArray(d[key]) && (d[key] as unknown[]).every((x) => typeof x === 'string'))) return `"${key}" must be a list of strings`;
  }
  for (const key of ['name', 'network', 'command', 'restart'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'string') return `"${key}" must be a string`;
  }
  for (const key of ['remove', 'replace'] as const) {
    if (d[key] !== undefined && typeof d[key] !== 'boolean') return `"${key}" must be true or false`;
  }
  if (d.restart !== undefined && !['no', 'always', 'unless-stopped', 'on-failure'].includes(d.restart as string)) return '"restart" must be no, always, unless-stopped or on-failure';
  const options = coerceRunOptions({ ...d, autoRemove: d.remove === true }, defaultRunOptions([]));
  const problems = optionProblems(options, folder);
  if (problems.length) return problems.join('; ');
  if (d.replace === true && !options.name) return '"replace" needs a "name": it removes the earlier container of that name';
  if (d.debug !== undefined && d.debug !== 'node' && d.debug !== 'python') return '"debug" must be "node" or "python"';
  if (d.debugPort !== undefined && !(Number.isInteger(d.debugPort) && (d.debugPort as number) > 0 && (d.debugPort as number) < 65536)) return '"debugPort" must be a port number';
  if (d.debugPort !== undefined && d.debug === undefined) return '"debugPort" needs "debug" (node or python)';
  const debug = d.debug ? { platform: d.debug as RunDebugger, ...(d.debugPort !== undefined ? { port: d.debugPort as number } : {}) } : undefined;
  return { image: d.image.trim(), replace: d.replace === true, options, ...(debug ? { debug } : {}) };
}

export function registerRunTasks(ctx: Ctx): vscode.Disposable {
  return registerTaskType({ type: RUN_TASK_TYPE, terminal: (definition, folder) => new RunTaskTerminal(ctx, definition, folder) });
}

/** Starts one container: what it did in the task's terminal, exit code 0 or 1. The container outlives the task, as a preLaunchTask's must. */
class RunTaskTerminal extends TaskTerminal {
  protected async run(): Promise<number> {
    const checked = runTaskOptions(this.definition, this.folder);
    if (typeof checked === 'string') throw new Error(`The berth-run task's definition is wrong: ${checked}.`);
    const { image, replace, options, debug } = checked;
    const engine = await waitForEngine(this.ctx, 60_000);
    if (!engine) throw new Error('Berth is not connected to a container engine (see the Engine view), so the run task cannot start its container.');
    const { connection, docker } = engine;
    const envFromFiles = await readEnvFiles(options.envFiles, this.folder, process.env, (f) => fs.promises.readFile(f, 'utf8'));
    if (typeof envFromFiles === 'string') throw new Error(`Cannot run ${image}: ${envFromFiles}.`);
    if (replace && options.name) {
      await docker.getContainer(options.name).remove({ force: true }).then(
        () => this.line(`Removed the earlier ${options.name}.`),
        (err: { statusCode?: number }) => { if (err.statusCode !== 404) throw err; },
      );
    }
    const local = connection.target.kind !== 'tcp' && connection.target.kind !== 'ssh';
    let body = createBody(image, options, this.folder, envFromFiles, process.env, await planHostPorts(options, local ? localPortChecker : undefined));
    if (debug) {
      const config = (await docker.getImage(image).inspect()).Config ?? {};
      const plan = await withDebugger(body, config, debug.platform, debug.port, local ? localPortChecker : undefined);
      if (typeof plan === 'string') throw new Error(`Cannot debug ${image}: ${plan}.`);
      body = plan.body;
      if (plan.moved) this.line(`\x1b[33mPort ${plan.debugPort} is already taken on this machine; the debugger is published on ${plan.hostPort} instead.\x1b[0m`);
      this.line(`The ${debug.platform} debugger listens on 127.0.0.1:${plan.hostPort}.`);
    }
    const container = await docker.createContainer(body);
    await container.start();
    const info = await container.inspect();
    const ports = Object.entries(info.NetworkSettings.Ports ?? {}).flatMap(([cp, b]) => (b ?? []).map((x) => `${x.HostIp}:${x.HostPort}→${cp}`)).join(', ');
    this.ctx.views.refresh(['container']);
    this.line(`\x1b[32mStarted ${info.Name.replace(/^\//, '')} from ${image}${ports ? ` (${ports})` : ''}\x1b[0m`);
    return 0;
  }
}
