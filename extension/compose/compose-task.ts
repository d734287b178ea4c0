// The task type `berth-compose`: `up` or `down` of a project as a VS Code task, so a launch
// configuration can name it as its preLaunchTask (and postDebugTask). Runs the runner in the extension
// host through a CustomExecution pseudoterminal, on the engine Berth is connected to.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunnerOutput } from '../../compose/runner/output';
import type { Ctx } from '../ctx.js';
import { composeSession, readProject } from './compose-run.js';
import { COMPOSE_FILE_GLOB, isComposeFileName, type ComposeTarget } from './compose-target.js';
import { ComposeLogTerminal } from '../terminals/compose-log-terminal.js';
import { TaskTerminal, waitForEngine } from '../tasks/task-terminal.js';
import { registerTaskType } from '../tasks/task-provider.js';

export const COMPOSE_TASK_TYPE = 'berth-compose';

/** The task definition's properties, as package.json's taskDefinitions declares them. */
export interface ComposeTaskDefinition extends vscode.TaskDefinition {
  command: 'up' | 'down';
  /** Compose files, relative to the workspace folder; none: docker compose's lookup in the folder. */
  files?: string[];
  profiles?: string[];
  services?: string[];
  projectName?: string;
  /** up: return once the containers are started (default); false: then follow their logs until the task is ended. */
  detached?: boolean;
}

/** The task's definition checked; a message naming what is wrong otherwise. */
export function checkDefinition(d: vscode.TaskDefinition): ComposeTaskDefinition | string {
  if (d.command !== 'up' && d.command !== 'down') return `"command" must be "up" or "down" (got ${JSON.stringify(d.command)})`;
  for (const key of ['files', 'profiles', 'services'] as const) {
    const v: unknown = d[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) return `"${key}" must be a list of strings`;
  }
  if (d.projectName !== undefined && typeof d.projectName !== 'string') return '"projectName" must be a string';
  if (d.detached !== undefined && typeof d.detached !== 'boolean') return '"detached" must be true or false';
  return d as ComposeTaskDefinition;
}

export function taskTarget(d: ComposeTaskDefinition, folder: string): ComposeTarget {
  const files = (d.files ?? []).map((f) => path.resolve(folder, f));
  return { files, workingDir: files[0] ? path.dirname(files[0]) : folder, projectName: d.projectName, profiles: d.profiles };
}

export function registerComposeTasks(ctx: Ctx): vscode.Disposable {
  return registerTaskType({
    type: COMPOSE_TASK_TYPE,
    // Offered in "Run Task": up and down for each Compose file of the workspace.
    offer: {
      glob: COMPOSE_FILE_GLOB,
      accept: isComposeFileName,
      tasks: (rel) => (['up', 'down'] as const).map((command) => ({ definition: { type: COMPOSE_TASK_TYPE, command, files: [rel] }, name: `${command} ${rel}` })),
    },
    terminal: (definition, folder) => new ComposeTaskTerminal(ctx, definition, folder),
    configure: (task) => { task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent }; },
  });
}

/** Runs one task: the runner's progress lines in the task's terminal, exit code 0 or 1. */
class ComposeTaskTerminal extends TaskTerminal {
  private logs: ComposeLogTerminal | undefined;

  override close(): void {
    this.logs?.close();
  }

  handleInput(data: string): void {
    if (data === '\x03' && this.logs) this.end(0);
  }

  protected async run(): Promise<number | undefined> {
    const def = checkDefinition(this.definition);
    if (typeof def === 'string') throw new Error(`The berth-compose task's definition is wrong: ${def}.`);
    const connection = await waitForEngine(this.ctx, 60_000);
    if (!connection) throw new Error('Berth is not connected to a container engine (see the Engine view), so the Compose task cannot run.');
    const { lib, engine } = await composeSession(connection, this.ctx.registryCredentials);
    const target = taskTarget(def, this.folder);
    const project = await readProject(lib, target, { labelsOnly: def.command === 'down' });
    const out: RunnerOutput = {
      progress: (kind, name, state) => this.line(` ${kind} ${name}  ${state}`),
      warn: (m) => this.line(`\x1b[33mWARN\x1b[0m ${m}`),
      buildLog: (_s, text) => this.text(text),
      pullLog: (_s, text) => this.text(text),
    };
    if (def.command === 'down') {
      const labelsOnly = Object.keys(project.services).length === 0 && Object.keys(project.disabledServices).length === 0;
      await lib.down(engine, project, { volumes: false, removeOrphans: labelsOnly }, out);
      return 0;
    }
    await lib.up(engine, project, {
      services: def.services ?? [], build: false, forceRecreate: false, noRecreate: false, removeOrphans: false, noDeps: false, wait: false, start: true,
    }, out);
    if (def.detached !== false) return 0;
    this.line('Following the logs (Ctrl-C ends the task; the containers go on running).');
    this.logs = new ComposeLogTerminal({ lib, engine, project: project.name, tail: 0, events: connection.connection });
    this.logs.onDidWrite((t) => this.write(t));
    this.logs.open();
    return undefined;
  }
}
