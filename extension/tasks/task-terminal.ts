// What every Berth task type's CustomExecution pseudoterminal shares: the write and close events, `open()`
// running the task and ending it with its exit code (or a red error line and 1), and the wait for an engine
// connection (a preLaunchTask may run while Berth is still starting its engine).
import * as vscode from 'vscode';
import type { Ctx } from '../ctx.js';

export type EngineConnection = NonNullable<Ctx['engine']>;
export type EngineClient = NonNullable<EngineConnection['client']>;

/** One task's terminal: subclasses say what `run()` does; a thrown error becomes its red last line and exit code 1. */
export abstract class TaskTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;

  /** `definition`: the task's, as resolved; `folder`: its workspace folder's path. */
  constructor(protected readonly ctx: Ctx, protected readonly definition: vscode.TaskDefinition, protected readonly folder: string) {}

  /** The task's exit code, or undefined while it goes on (it ends later through `end()`). */
  protected abstract run(): Promise<number | undefined>;

  open(): void {
    void this.run().then(
      (code) => { if (code !== undefined) this.end(code); },
      (err: unknown) => {
        this.line(`\x1b[31m${err instanceof Error ? err.message : String(err)}\x1b[0m`);
        this.end(1);
      },
    );
  }

  close(): void {
    // Nothing to stop unless a task type says otherwise.
  }

  protected end(code: number): void {
    this.closeEmitter.fire(code);
  }

  /** Text as is (a terminal wants \r\n: see `text()`). */
  protected write(data: string): void {
    this.writeEmitter.fire(data);
  }

  /** Output with any line ends, shown as the terminal wants them. */
  protected text(data: string): void {
    this.writeEmitter.fire(data.replace(/\r?\n/g, '\r\n'));
  }

  protected line(text: string): void {
    this.writeEmitter.fire(`${text}\r\n`);
  }
}

/** The engine connection and its client once Berth has one, waiting up to `ms`; undefined after that. */
export async function waitForEngine(ctx: Ctx, ms: number): Promise<{ docker: EngineClient; connection: EngineConnection } | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const connection = ctx.engine;
    const docker = connection?.client;
    if (connection && docker) return { docker, connection };
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    // Woken by the connection's next status change, or after a short while (Berth may replace the connection).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(left, 250));
      function done(): void {
        clearTimeout(timer);
        connection?.off('status', done);
        resolve();
      }
      connection?.on('status', done);
    });
  }
}
