// Compose Logs: one terminal following every container of a project, each line prefixed with its
// container ("web-1  | ") and coloured per service, as `docker compose logs -f` prints them.
import type { Readable } from 'node:stream';
import * as vscode from 'vscode';
import type { ComposeEngine } from '../../compose/engine/engine';
import type { ComposeLib } from '../compose/compose-run.js';

const DIM = '\x1b[2m';
const RED = '\x1b[31m';
const RESET = '\x1b[0m';

export interface ComposeLogTerminalOptions {
  lib: ComposeLib;
  engine: ComposeEngine;
  project: string;
  /** Lines of history per container to show first. */
  tail?: number;
}

export class ComposeLogTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number | void>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly streams: Readable[] = [];
  private closed = false;

  constructor(private readonly opts: ComposeLogTerminalOptions) {}

  open(): void {
    this.writeEmitter.fire('\x1b[?25l');
    void this.follow();
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams) s.destroy();
    this.writeEmitter.dispose();
  }

  handleInput(data: string): void {
    // Ctrl-C or q closes the view; the containers go on running.
    if (data === '\x03' || data === 'q') this.closeEmitter.fire();
  }

  private async follow(): Promise<void> {
    const { lib, engine, project } = this.opts;
    try {
      const containers = await lib.projectContainers(engine, project, { all: true, oneoff: false });
      if (!containers.length) {
        this.note(`Project ${project} has no containers.`);
        return;
      }
      // The runner's own log reading, on an engine whose log streams this terminal can end when it closes.
      const tracked: ComposeEngine = Object.create(engine, {
        containerLogs: {
          value: async (id: string, o: Parameters<ComposeEngine['containerLogs']>[1]) => {
            const s = await engine.containerLogs(id, o);
            if (this.closed) s.destroy();
            else this.streams.push(s);
            return s;
          },
        },
      }) as ComposeEngine;
      await lib.streamLogs(
        tracked,
        project,
        containers,
        { services: [], follow: true, tail: this.opts.tail ?? 1000, timestamps: false, colour: true },
        (line) => this.write(line),
        async (_c, name) => this.note(`${name} stopped`),
      );
      this.note(`Every container of ${project} has stopped. Close this terminal when you are done reading.`);
    } catch (err) {
      this.write(`${RED}Could not read the logs of project ${project}: ${err instanceof Error ? err.message : String(err)}${RESET}\n`);
    }
  }

  private write(text: string): void {
    if (!this.closed) this.writeEmitter.fire(text.replace(/\r?\n/g, '\r\n'));
  }

  private note(text: string): void {
    this.write(`${DIM}── ${text} ──${RESET}\n`);
  }
}
