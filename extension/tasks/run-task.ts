// The task type `berth-run`: runs an image as a container for as long as the task runs, its ports
// published on 127.0.0.1 and its output in the task's terminal; ending the task stops and removes the
// container. With `debug`, the runtime's debugger listens too (node --inspect, python -m debugpy), so a
// `node`/`debugpy` attach configuration can name the task as its preLaunchTask.
import * as vscode from 'vscode';
import type Dockerode from 'dockerode';
import type { Ctx } from '../ctx.js';
import { userMessage } from '../errors.js';
import { localPortChecker } from '../run/port-plan.js';
import { removeContainer } from './run-container.js';
import { runTaskContainer } from './run-task-container.js';
import { checkRunDefinition, RUN_TASK_TYPE } from './run-task-definition.js';

export { RUN_TASK_TYPE };

export function registerRunTasks(ctx: Ctx): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(RUN_TASK_TYPE, {
    provideTasks: () => [],
    resolveTask(task) {
      const folder = task.scope && typeof task.scope === 'object' ? task.scope : vscode.workspace.workspaceFolders?.[0];
      const t = new vscode.Task(task.definition, folder ?? vscode.TaskScope.Workspace, task.name, RUN_TASK_TYPE,
        new vscode.CustomExecution(async (resolved) => new RunTaskTerminal(ctx, resolved)));
      // The task runs as long as the container: a preLaunchTask must not wait for its end.
      t.isBackground = true;
      return t;
    },
  });
}

class RunTaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private container: { docker: Dockerode; id: string } | undefined;
  private closed = false;

  constructor(private readonly ctx: Ctx, private readonly definition: vscode.TaskDefinition) {}

  open(): void {
    void this.run().then(
      (code) => this.finish(code),
      (err: unknown) => {
        this.line(`\x1b[31m${userMessage(err, 'run the berth-run task')}\x1b[0m`);
        this.finish(1);
      },
    );
  }

  /** The user ended the task (or its terminal): the container goes with it. */
  close(): void {
    this.closed = true;
    const c = this.container;
    this.container = undefined;
    if (c) void removeContainer(c.docker, c.id).catch(() => undefined);
  }

  private finish(code: number): void {
    const c = this.container;
    this.container = undefined;
    const done = c ? removeContainer(c.docker, c.id).catch(() => undefined) : Promise.resolve();
    void done.then(() => { if (!this.closed) this.closeEmitter.fire(code); });
  }

  private async run(): Promise<number> {
    const def = checkRunDefinition(this.definition);
    if (typeof def === 'string') throw new Error(`The berth-run task's definition is wrong: ${def}.`);
    const docker = this.ctx.engine?.client;
    if (!docker) throw new Error('Berth is not connected to a container engine (see the Engine view), so the berth-run task cannot run.');
    const io = { line: (t: string) => this.line(t), write: (t: string) => this.writeEmitter.fire(t) };
    return runTaskContainer(docker, def, io, localPortChecker, (started) => {
      this.container = { docker, id: started.id };
      // Ended while the container was being made: it goes at once.
      if (this.closed) this.close();
      return !this.closed;
    });
  }

  private line(text: string): void {
    this.writeEmitter.fire(`${text}\r\n`);
  }
}
